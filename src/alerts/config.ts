// The `alerting` section of the configuration file: channels (a sink's options plus the
// channel's policy), routes (which findings go to which channels) and delivery retries.

import { z } from 'zod';
import { UserError } from '../core/errors.ts';
import { parseCidr } from '../findings/cidr.ts';
import { sinkOptionSchemas } from '../sinks/index.ts';

const severity = z.union([
  z.number().min(0).max(10),
  z.enum(['low', 'medium', 'high', 'critical']).transform((b) => BAND_FLOOR[b]),
]);

export const BAND_FLOOR = { low: 1, medium: 4, high: 7, critical: 9 } as const;

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM (24-hour)');

const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'unknown time zone (use an IANA name such as Asia/Tokyo)' },
);

/** What every channel has besides its sink options: how loud it may be. */
export const channelPolicy = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, ".", "_" and "-" only'),
  /** After this long a still-updating finding is sent again as a reminder (minutes). */
  dedupMinutes: z.number().positive().default(1440),
  escalation: z
    .object({
      /** Notify again when the finding moves up a severity band (medium -> high). */
      onBandUp: z.boolean().default(true),
      /** Notify again when the finding's count passes one of these. */
      counts: z.array(z.number().int().positive()).default([10, 100, 1000]),
    })
    .prefault({}),
  rateLimit: z
    .object({
      /** At most `max` immediate messages per `perMinutes`; the rest wait for the digest. */
      max: z.number().int().positive().default(20),
      perMinutes: z.number().positive().default(60),
    })
    .prefault({}),
  digest: z
    .object({
      /** Held findings are sent as one digest this many minutes after the first was held. */
      minutes: z.number().positive().default(15),
      /** Per type and digest period, this many findings go out at once; the rest are held. */
      immediatePerType: z.number().int().min(0).default(3),
    })
    .prefault({}),
  quietHours: z
    .object({
      start: clockTime,
      end: clockTime,
      timeZone: timeZone.default('UTC'),
      /** Findings at or above this severity go out even in quiet hours. */
      minSeverity: severity.default(9),
    })
    .nullable()
    .default(null),
});
export type ChannelPolicy = z.infer<typeof channelPolicy>;

const [slack, email, webhook, teams, discord, syslogCef, sakuraMonitoring] = sinkOptionSchemas;
export const channelSchema = z.discriminatedUnion('kind', [
  slack.extend(channelPolicy.shape),
  email.extend(channelPolicy.shape),
  webhook.extend(channelPolicy.shape),
  teams.extend(channelPolicy.shape),
  discord.extend(channelPolicy.shape),
  syslogCef.extend(channelPolicy.shape),
  sakuraMonitoring.extend(channelPolicy.shape),
]);
export type ChannelConfig = z.infer<typeof channelSchema>;

export const routeSchema = z.object({
  name: z.string().min(1).optional(),
  minSeverity: severity.default(0),
  /** Finding type globs; empty matches every type. */
  types: z.array(z.string().min(1)).default([]),
  excludeTypes: z.array(z.string().min(1)).default([]),
  /** The resource must carry one of these asset tags; empty matches every resource. */
  resourceTags: z.array(z.string().min(1)).default([]),
  /** The actor must be one of these addresses or ranges; empty matches every actor. */
  actors: z
    .array(z.string().refine((s) => parseCidr(s) !== null, { message: 'not an IP address or CIDR' }))
    .default([]),
  channels: z.array(z.string().min(1)).min(1),
});
export type RouteConfig = z.infer<typeof routeSchema>;

export const alertingSchema = z
  .object({
    links: z.object({ baseUrl: z.url().nullable().default(null) }).prefault({}),
    delivery: z
      .object({
        maxAttempts: z.number().int().positive().default(50),
        baseDelaySeconds: z.number().positive().default(2),
        maxDelaySeconds: z.number().positive().default(60),
      })
      .prefault({}),
    channels: z.array(channelSchema).default([]),
    routes: z.array(routeSchema).default([]),
  })
  .superRefine((c, ctx) => {
    const names = new Set<string>();
    c.channels.forEach((ch, i) => {
      if (names.has(ch.name))
        ctx.addIssue({
          code: 'custom',
          path: ['channels', i, 'name'],
          message: `duplicate channel ${ch.name}`,
        });
      names.add(ch.name);
    });
    c.routes.forEach((r, i) =>
      r.channels.forEach((n, j) => {
        if (!names.has(n))
          ctx.addIssue({
            code: 'custom',
            path: ['routes', i, 'channels', j],
            message: `no channel named ${n}`,
          });
      }),
    );
  });
export type AlertingConfig = z.infer<typeof alertingSchema>;

/** Parses the section and reports every problem at once. */
export function parseAlertingConfig(raw: unknown): AlertingConfig {
  const r = alertingSchema.safeParse(raw ?? {});
  if (!r.success) {
    throw new UserError(
      `invalid alerting configuration: ${r.error.issues.map((i) => `alerting.${i.path.join('.')}: ${i.message}`).join('; ')}`,
      { hint: 'see docs/alerting.md for the channel kinds, their keys and the defaults' },
    );
  }
  return r.data;
}
