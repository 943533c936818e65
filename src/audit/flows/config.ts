// The traffic advisor's settings, with defaults. A site that wants stricter or looser proposals
// passes its own values (JoinOptions.advisor); the CLI uses the defaults and --window.

import { z } from 'zod';

export const advisorConfigSchema = z.object({
  /** Days of traffic before the newest flow that the join considers. */
  windowDays: z.number().positive().default(30),
  /** A rule used by at most this many sources is proposed narrowed to them. */
  narrowMaxSources: z.number().int().min(1).default(5),
  /** A port range is proposed narrowed when at most this many of its ports were used. */
  narrowMaxPorts: z.number().int().min(1).default(5),
  /** A reached exposure's severity is raised by one band (HTTP/HTTPS excepted). */
  escalateReached: z.boolean().default(true),
});

export type AdvisorConfig = z.infer<typeof advisorConfigSchema>;

export const DEFAULT_ADVISOR_CONFIG: AdvisorConfig = advisorConfigSchema.parse({});
