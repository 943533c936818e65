// The `respond` section of sakura-guard.yaml: responders (where an action happens), policies
// (which findings trigger which responders in which mode) and what is never acted on.

import { z } from 'zod';
import { BAND_FLOOR } from '../alerts/config.ts';
import { UserError } from '../core/errors.ts';
import { parseCidr } from '../findings/cidr.ts';
import { SAKURA_ZONES } from '../sakura/config.ts';

export const RESPONSE_MODES = ['off', 'dry-run', 'approve', 'automatic'] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];

const name = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, ".", "_" and "-" only');

export const nftablesResponderSchema = z
  .object({
    kind: z.literal('nftables'),
    name,
    /** nftables table (family inet) holding the `blocked4` / `blocked6` sets and the drop chain. */
    table: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/)
      .default('sakura_guard'),
    /** The nft binary. */
    command: z.string().min(1).default('nft'),
    /** Run inside this network namespace (`ip netns exec`); null is the host's own. */
    netns: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/)
      .nullable()
      .default(null),
  })
  .strict();

export const packetFilterResponderSchema = z
  .object({
    kind: z.literal('sakura-packet-filter'),
    name,
    zone: z.enum(SAKURA_ZONES),
    /** Packet filters to add the deny rule to (one action updates each). */
    packetFilterIds: z.array(z.string().regex(/^\d+$/, 'a numeric packet filter id')).min(1),
  })
  .strict();

export const webhookResponderSchema = z
  .object({
    kind: z.literal('webhook'),
    name,
    url: z.url({ protocol: /^https?$/ }),
    /** HMAC-SHA256 secret, as for the webhook alert channel (docs/alerting.md). */
    secret: z.string().min(16),
    timeoutMs: z.number().int().positive().default(10_000),
  })
  .strict();

export const agentNftablesResponderSchema = z
  .object({
    kind: z.literal('agent-nftables'),
    name,
    /** Agents (their `respond.name`, default their host name) that apply the block on their host. */
    agents: z.array(name).min(1),
  })
  .strict();

export const responderSchema = z.discriminatedUnion('kind', [
  nftablesResponderSchema,
  agentNftablesResponderSchema,
  packetFilterResponderSchema,
  webhookResponderSchema,
]);
export type ResponderConfig = z.infer<typeof responderSchema>;

const severity = z.union([
  z.number().min(0).max(10),
  z.enum(['low', 'medium', 'high', 'critical']).transform((b) => BAND_FLOOR[b]),
]);

export const policySchema = z
  .object({
    name,
    /** Findings at or above this severity (number or band). */
    minSeverity: severity.default(7),
    /** Finding type globs; empty matches every type. */
    types: z.array(z.string().min(1)).default([]),
    responders: z.array(name).min(1),
    /** null takes `respond.defaultMode`. */
    mode: z.enum(RESPONSE_MODES).nullable().default(null),
    /** How long a block lasts before it is lifted. */
    durationSeconds: z.number().int().positive().default(3600),
  })
  .strict();
export type PolicyConfig = z.infer<typeof policySchema>;

const cidr = z.string().refine((s) => parseCidr(s) !== null, { message: 'not an IP address or CIDR' });

export const respondSchema = z
  .object({
    /** Mode of policies that name none: say what would happen, do nothing. */
    defaultMode: z.enum(RESPONSE_MODES).default('dry-run'),
    protect: z
      .object({
        /** Never act on private, loopback, link-local and other non-global addresses. */
        privateRanges: z.boolean().default(true),
        /** Never act on addresses of the asset inventory (our own servers, synced Sakura ones). */
        ownAssets: z.boolean().default(true),
        /** Never act on addresses on a trusted intel list. */
        trusted: z.boolean().default(true),
        /** Never act on these addresses or ranges, whatever else is set. */
        allowList: z.array(cidr).default([]),
      })
      .strict()
      .prefault({}),
    responders: z.array(responderSchema).default([]),
    policies: z.array(policySchema).default([]),
  })
  .strict()
  .superRefine((c, ctx) => {
    const names = new Set<string>();
    c.responders.forEach((r, i) => {
      if (names.has(r.name))
        ctx.addIssue({
          code: 'custom',
          path: ['responders', i, 'name'],
          message: `duplicate responder ${r.name}`,
        });
      names.add(r.name);
    });
    c.policies.forEach((p, i) =>
      p.responders.forEach((n, j) => {
        if (!names.has(n))
          ctx.addIssue({
            code: 'custom',
            path: ['policies', i, 'responders', j],
            message: `no responder named ${n}`,
          });
      }),
    );
  });
export type RespondConfig = z.infer<typeof respondSchema>;

export function parseRespondConfig(raw: unknown): RespondConfig {
  const r = respondSchema.safeParse(raw ?? {});
  if (!r.success)
    throw new UserError(
      `invalid respond configuration: ${r.error.issues.map((i) => `respond.${i.path.join('.')}: ${i.message}`).join('; ')}`,
      { hint: 'see docs/response.md for the responder kinds, policies and modes' },
    );
  return r.data;
}
