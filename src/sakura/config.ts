// The `sakura` section of sakura-guard.yaml. Credentials are deliberately not options: they come
// from the official environment variables or a usacloud profile (settings.ts), so the
// configuration file never holds a secret.

import { z } from 'zod';

export const SAKURA_ZONES = ['tk1a', 'tk1b', 'is1a', 'is1b', 'is1c', 'tk1v'] as const;

export const sakuraConfigSchema = z
  .object({
    /** Periodic inventory sync and router polling inside `serve`. */
    enabled: z.boolean().default(false),
    /** Zones to read; empty means the profile's/environment's zones, else `is1b` (the providers' default). */
    zones: z.array(z.enum(SAKURA_ZONES)).default([]),
    /** usacloud profile to read credentials from; null means $SAKURA_PROFILE or the current profile. */
    profile: z.string().min(1).nullable().default(null),
    /** API root (before `/{zone}/api/cloud/1.1`); null means $SAKURA_API_ROOT_URL or Sakura's own. */
    apiRootUrl: z
      .url({ protocol: /^https?$/ })
      .nullable()
      .default(null),
    /** Requests per second at most (the official client's default is 5). */
    rateLimitPerSecond: z.number().positive().max(50).default(5),
    /** Retries of a request answered 423 (locked) or 503 (busy). */
    retryMax: z.number().int().min(0).max(30).default(10),
    /** One request's timeout in milliseconds. */
    timeoutMs: z.number().int().min(100).default(30_000),
    /** Minutes between inventory syncs in `serve`. */
    syncMinutes: z.number().positive().default(15),
    /** Seconds between VPC/VPN-router status polls in `serve`. */
    pollSeconds: z.number().positive().default(60),
    /** Router (appliance) ids to poll; empty polls every VPC/VPN router found. */
    routers: z.array(z.string().regex(/^\d+$/, 'a numeric appliance id')).default([]),
  })
  .strict();

export type SakuraConfig = z.infer<typeof sakuraConfigSchema>;
