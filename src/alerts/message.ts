// What a sink delivers: one finding (new, escalated, a reminder or a test) or a digest that
// summarises many. Messages are plain data so the outbox can store them as JSON and a retry
// after a restart renders exactly what the first attempt would have.

import type { Finding, FindingActor, SeverityLabel } from '../findings/finding.ts';

export type NotifyReason = 'new' | 'escalated' | 'reminder' | 'test';

/** The part of a finding a message needs; small enough to keep thousands in a digest. */
export interface FindingSummary {
  id: string;
  type: string;
  severity: number;
  severityLabel: SeverityLabel;
  title: string;
  description: string;
  /** As in the finding: with the asset's tags, owner and zone when the inventory lists it. */
  resource: Finding['resource'];
  actor: FindingActor;
  role: 'actor' | 'target';
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Link to the finding in the dashboard, when `alerting.links.baseUrl` is set. */
  link: string | null;
}

export interface FindingMessage {
  kind: 'finding';
  reason: NotifyReason;
  /** Why this reason, e.g. "severity medium -> high". */
  detail: string;
  finding: FindingSummary;
  /** The finding's evidence as in `findings --json` (contributing records, threshold...). */
  evidence: { threshold: number; observed: number; window: string; sample: string[] };
}

export interface DigestMessage {
  kind: 'digest';
  /** Milliseconds (injected clock): first and last finding held in the digest. */
  from: number;
  to: number;
  /** Distinct findings summarised. */
  total: number;
  /** Findings per type, largest first. */
  byType: { type: string; count: number; maxSeverity: number }[];
  /** The most severe findings (at most DIGEST_LISTED), most severe first. */
  top: FindingSummary[];
}

export type AlertMessage = FindingMessage | DigestMessage;

export const DIGEST_LISTED = 10;

export function summarize(f: Finding, baseUrl: string | null): FindingSummary {
  return {
    id: f.id,
    type: f.type,
    severity: f.severity,
    severityLabel: f.severityLabel,
    title: f.title,
    description: f.description,
    resource: { ...f.resource },
    actor: { ...f.actor },
    role: f.role,
    count: f.count,
    firstSeen: f.firstSeen,
    lastSeen: f.lastSeen,
    link: baseUrl === null ? null : `${baseUrl.replace(/\/+$/, '')}/findings/${encodeURIComponent(f.id)}`,
  };
}

/** The message for one finding. */
export function messageFor(
  f: Finding,
  reason: NotifyReason,
  detail: string,
  baseUrl: string | null,
): FindingMessage {
  const { threshold, observed, window, sample } = f.evidence;
  return {
    kind: 'finding',
    reason,
    detail,
    finding: summarize(f, baseUrl),
    evidence: { threshold, observed, window, sample: [...sample] },
  };
}

/** One digest from held summaries: the latest summary of each finding counts once. */
export function buildDigest(held: readonly { at: number; finding: FindingSummary }[]): DigestMessage {
  const latest = new Map<string, FindingSummary>();
  let from = Infinity;
  let to = -Infinity;
  for (const h of held) {
    latest.set(h.finding.id, h.finding);
    from = Math.min(from, h.at);
    to = Math.max(to, h.at);
  }
  const types = new Map<string, { type: string; count: number; maxSeverity: number }>();
  for (const f of latest.values()) {
    const t = types.get(f.type) ?? { type: f.type, count: 0, maxSeverity: 0 };
    t.count++;
    t.maxSeverity = Math.max(t.maxSeverity, f.severity);
    types.set(f.type, t);
  }
  const byType = [...types.values()].sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
  const top = [...latest.values()]
    .sort((a, b) => b.severity - a.severity || b.count - a.count || a.id.localeCompare(b.id))
    .slice(0, DIGEST_LISTED);
  return { kind: 'digest', from, to, total: latest.size, byType, top };
}

/** The resource as people name it: "web-1 (10.0.0.5)" or just the address. */
export function resourceText(f: FindingSummary): string {
  return f.resource.name === null ? f.resource.ip : `${f.resource.name} (${f.resource.ip})`;
}

export function actorText(f: FindingSummary): string {
  return f.actor.port === null ? f.actor.ip : `${f.actor.ip}:${f.actor.port}`;
}

/** One line for text channels and message titles. */
export function headline(m: AlertMessage): string {
  switch (m.kind) {
    case 'finding': {
      const prefix = m.reason === 'test' ? 'TEST ' : m.reason === 'escalated' ? 'ESCALATED ' : '';
      return `${prefix}[${m.finding.severityLabel.toUpperCase()} ${m.finding.severity.toFixed(1)}] ${m.finding.title}`;
    }
    case 'digest':
      return `Digest: ${m.total} finding(s) of ${m.byType.length} type(s)`;
    default: {
      const never: never = m;
      return never;
    }
  }
}
