// The per-channel decision for one finding change, a pure function of the channel's policy,
// what the channel was last told about the finding, the channel's recent sends and the time:
//   skip  - already notified and nothing escalated (dedup);
//   send  - new, escalated, or a reminder after `dedupMinutes`, within the channel's limits;
//   hold  - worth telling but the channel is quiet, the type is bursting or the rate limit is
//           used up: the finding waits for the channel's next digest (never dropped).

import { severityLabel, type Finding, type SeverityLabel } from '../findings/finding.ts';
import type { ChannelPolicy } from './config.ts';
import type { NotifyReason } from './message.ts';
import { inQuietHours } from './quiet-hours.ts';

/** What a channel was last told about a finding. */
export interface Notified {
  channel: string;
  findingId: string;
  severity: number;
  count: number;
  /** Milliseconds (injected clock). */
  at: number;
}

/** A channel's recent immediate sends (in memory; a restart only forgets the throttling). */
export interface ChannelThrottle {
  sends: number[];
  types: Map<string, { since: number; sent: number }>;
}

export type HoldCause = 'quiet-hours' | 'type-burst' | 'rate-limit';

export type Decision =
  | { action: 'send'; reason: NotifyReason; detail: string }
  | { action: 'hold'; reason: NotifyReason; detail: string; cause: HoldCause }
  | { action: 'skip'; detail: string };

const BAND_RANK: Record<SeverityLabel, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export function newThrottle(): ChannelThrottle {
  return { sends: [], types: new Map() };
}

/** Why the finding deserves a message now, or null when the channel already knows enough. */
export function notifyReason(
  p: ChannelPolicy,
  prior: Notified | null,
  f: Finding,
  now: number,
): { reason: NotifyReason; detail: string } | null {
  if (prior === null) return { reason: 'new', detail: 'first notification' };
  const before = severityLabel(prior.severity);
  if (p.escalation.onBandUp && BAND_RANK[f.severityLabel] > BAND_RANK[before])
    return { reason: 'escalated', detail: `severity ${before} -> ${f.severityLabel}` };
  const passed = p.escalation.counts.filter((c) => prior.count < c && f.count >= c);
  if (passed.length > 0) return { reason: 'escalated', detail: `count passed ${Math.max(...passed)}` };
  if (now - prior.at >= p.dedupMinutes * 60_000)
    return { reason: 'reminder', detail: `still active after ${p.dedupMinutes} min` };
  return null;
}

export function decide(
  p: ChannelPolicy,
  throttle: ChannelThrottle,
  prior: Notified | null,
  f: Finding,
  now: number,
): Decision {
  const why = notifyReason(p, prior, f, now);
  if (why === null)
    return { action: 'skip', detail: `duplicate: notified ${new Date(prior?.at ?? now).toISOString()}` };
  if (p.quietHours !== null && f.severity < p.quietHours.minSeverity && inQuietHours(p.quietHours, now))
    return { action: 'hold', ...why, cause: 'quiet-hours' };
  const t = throttle.types.get(f.type);
  const sentOfType = t !== undefined && now - t.since < p.digest.minutes * 60_000 ? t.sent : 0;
  if (sentOfType >= p.digest.immediatePerType) return { action: 'hold', ...why, cause: 'type-burst' };
  const windowStart = now - p.rateLimit.perMinutes * 60_000;
  if (throttle.sends.filter((s) => s > windowStart).length >= p.rateLimit.max)
    return { action: 'hold', ...why, cause: 'rate-limit' };
  return { action: 'send', ...why };
}

/** Counts an immediate send against the channel's limits. */
export function recordSend(p: ChannelPolicy, throttle: ChannelThrottle, type: string, now: number): void {
  const windowStart = now - p.rateLimit.perMinutes * 60_000;
  throttle.sends = throttle.sends.filter((s) => s > windowStart);
  throttle.sends.push(now);
  const t = throttle.types.get(type);
  if (t === undefined || now - t.since >= p.digest.minutes * 60_000)
    throttle.types.set(type, { since: now, sent: 1 });
  else t.sent++;
}
