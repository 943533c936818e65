// Suppression rules: saved filters over finding fields that archive matching findings, both the
// ones already stored (retroactively) and new ones, until the rule expires. Findings are kept.

import { z } from 'zod';
import { UserError } from '../core/errors.ts';
import { cidrContainsText, parseCidr } from './cidr.ts';
import type { Finding } from './finding.ts';
import { globMatches } from './glob.ts';

export const suppressionFilterSchema = z
  .object({
    /** Glob over the finding type, e.g. "Recon:Host/*". */
    type: z.string().min(1).optional(),
    /** IP or CIDR of our resource. */
    resourceIp: z.string().min(1).optional(),
    /** Glob over the resource's asset name. */
    resourceName: z.string().min(1).optional(),
    /** IP or CIDR of the actor. */
    actorIp: z.string().min(1).optional(),
    /** Only findings at or below this severity. */
    maxSeverity: z.number().min(1).max(10).optional(),
    /** Any of these type globs (allow-lists name several behaviour types at once). */
    types: z.array(z.string().min(1)).min(1).optional(),
    /** The port of the activity: the actor's port, or the port a behaviour finding is about. */
    port: z.number().int().min(0).max(65535).optional(),
  })
  .strict();
export type SuppressionFilter = z.infer<typeof suppressionFilterSchema>;

export interface SuppressionRule {
  id: string;
  filter: SuppressionFilter;
  reason: string;
  /** Milliseconds since the epoch (injected clock); null = never expires. */
  createdAt: number;
  expiresAt: number | null;
}

/** Checks a filter's IPs and CIDRs; throws a UserError naming the bad field. */
export function validateFilter(raw: unknown): SuppressionFilter {
  const parsed = suppressionFilterSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UserError(
      `invalid suppression filter: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
      {
        hint: 'use --type GLOB, --resource IP/CIDR, --actor IP/CIDR, --resource-name GLOB, --max-severity N',
      },
    );
  }
  const f = parsed.data;
  for (const field of ['resourceIp', 'actorIp'] as const) {
    const v = f[field];
    if (v !== undefined && parseCidr(v) === null) {
      throw new UserError(`invalid ${field} "${v}" in suppression filter`, {
        hint: 'give an IPv4/IPv6 address or CIDR such as 203.0.113.0/24',
      });
    }
  }
  if (Object.keys(f).length === 0) {
    throw new UserError('a suppression rule needs at least one condition', {
      hint: 'a rule without conditions would hide every finding; add --type, --resource or --actor',
    });
  }
  return f;
}

export function ruleActive(rule: SuppressionRule, nowMs: number): boolean {
  return rule.expiresAt === null || nowMs < rule.expiresAt;
}

export function filterMatches(f: SuppressionFilter, finding: Finding): boolean {
  if (f.type !== undefined && !globMatches(f.type, finding.type)) return false;
  if (f.types !== undefined && !f.types.some((g) => globMatches(g, finding.type))) return false;
  if (f.port !== undefined && finding.actor.port !== f.port && finding.detail.port !== f.port) return false;
  if (f.maxSeverity !== undefined && finding.severity > f.maxSeverity) return false;
  if (
    f.resourceName !== undefined &&
    !(finding.resource.name && globMatches(f.resourceName, finding.resource.name))
  )
    return false;
  if (f.resourceIp !== undefined) {
    const c = parseCidr(f.resourceIp);
    if (!c || !cidrContainsText(c, finding.resource.ip)) return false;
  }
  if (f.actorIp !== undefined) {
    const c = parseCidr(f.actorIp);
    if (!c || !cidrContainsText(c, finding.actor.ip)) return false;
  }
  return true;
}

/** The first unexpired rule that matches the finding, or null. */
export function matchingRule(
  rules: readonly SuppressionRule[],
  finding: Finding,
  nowMs: number,
): SuppressionRule | null {
  for (const r of rules) if (ruleActive(r, nowMs) && filterMatches(r.filter, finding)) return r;
  return null;
}

export function describeFilter(f: SuppressionFilter): string {
  const parts: string[] = [];
  if (f.type !== undefined) parts.push(`type=${f.type}`);
  if (f.resourceIp !== undefined) parts.push(`resource=${f.resourceIp}`);
  if (f.resourceName !== undefined) parts.push(`resource-name=${f.resourceName}`);
  if (f.actorIp !== undefined) parts.push(`actor=${f.actorIp}`);
  if (f.maxSeverity !== undefined) parts.push(`severity<=${f.maxSeverity}`);
  if (f.types !== undefined) parts.push(`types=${f.types.join(',')}`);
  if (f.port !== undefined) parts.push(`port=${f.port}`);
  return parts.join(' ');
}
