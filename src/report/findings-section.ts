// The findings part of a report, computed from the finding store's findings: those active in the
// period, counted per severity band, per type and per detection window over time, with the hosts
// attacked most, the actors seen most and the notable findings with their explanations.

import type { Finding, SeverityLabel } from '../findings/finding.ts';
import { severityLabel } from '../findings/finding.ts';
import { compareFindings } from '../findings/store.ts';
import { isPrivateIp, parseIp } from '../core/ip.ts';
import type { FindingsSection, HostCount, NotableFinding, SeverityCounts, TypeCount } from './model.ts';
import type { Period } from './period.ts';

export const TOP_HOSTS = 10;
export const TOP_TYPES = 15;
export const NOTABLE_LIMIT = 12;
/** Findings of one type shown at most, so one noisy type does not fill the list. */
export const NOTABLE_PER_TYPE = 3;
/** Findings at or above this severity are notable (GuardDuty's medium band). */
export const NOTABLE_MIN_SEVERITY = 4;
const SAMPLE_LINES = 3;

export function zeroCounts(): SeverityCounts {
  return { low: 0, medium: 0, high: 0, critical: 0 };
}

const ms = (iso: string): number => Date.parse(iso);

/** Private addresses count as ours: the report has no scope configuration of its own. */
function isOurs(ip: string): boolean {
  const a = parseIp(ip);
  return a !== null && isPrivateIp(a.v4, a.v6);
}

/** Findings whose activity (first to last seen) overlaps the period. */
export function findingsInPeriod(all: readonly Finding[], p: Period): Finding[] {
  return all.filter((f) => ms(f.firstSeen) < p.toMs && ms(f.lastSeen) >= p.fromMs);
}

/** Start times (ms) of the finding's detection windows inside the period; at least one. */
function occurrences(f: Finding, p: Period): number[] {
  const inside = f.windows.map((s) => s * 1000).filter((t) => t >= p.fromMs && t < p.toMs);
  return inside.length > 0 ? inside : [Math.max(ms(f.firstSeen), p.fromMs)];
}

/** Hourly buckets for periods up to two days, daily ones beyond. */
export function bucketSeconds(p: Period): number {
  return p.toMs - p.fromMs <= 2 * 86_400_000 ? 3600 : 86_400;
}

function timeline(findings: readonly Finding[], p: Period): FindingsSection['timeline'] {
  const size = bucketSeconds(p) * 1000;
  const first = Math.floor(p.fromMs / size) * size;
  const n = Math.max(1, Math.ceil((p.toMs - first) / size));
  const buckets = Array.from({ length: n }, (_, i) => ({
    start: new Date(first + i * size).toISOString(),
    counts: zeroCounts(),
  }));
  for (const f of findings) {
    for (const t of occurrences(f, p)) {
      const b = buckets[Math.floor((t - first) / size)];
      if (b) b.counts[f.severityLabel]++;
    }
  }
  return { bucketSeconds: size / 1000, buckets };
}

function byType(findings: readonly Finding[], p: Period): TypeCount[] {
  const m = new Map<string, TypeCount>();
  for (const f of findings) {
    const c = m.get(f.type) ?? { type: f.type, findings: 0, occurrences: 0, maxSeverity: 0 };
    c.findings++;
    c.occurrences += occurrences(f, p).length;
    c.maxSeverity = Math.max(c.maxSeverity, f.severity);
    m.set(f.type, c);
  }
  return [...m.values()]
    .sort((a, b) => b.maxSeverity - a.maxSeverity || b.findings - a.findings || a.type.localeCompare(b.type))
    .slice(0, TOP_TYPES);
}

function topHosts(entries: readonly { host: HostCount; severity: number }[]): HostCount[] {
  const m = new Map<string, HostCount>();
  for (const { host, severity } of entries) {
    const c = m.get(host.ip) ?? { ...host, findings: 0, maxSeverity: 0 };
    c.findings++;
    c.maxSeverity = Math.max(c.maxSeverity, severity);
    c.name ??= host.name;
    m.set(host.ip, c);
  }
  return [...m.values()]
    .sort((a, b) => b.maxSeverity - a.maxSeverity || b.findings - a.findings || a.ip.localeCompare(b.ip))
    .slice(0, TOP_HOSTS);
}

function notable(f: Finding): NotableFinding {
  return {
    id: f.id,
    type: f.type,
    severity: f.severity,
    severityLabel: f.severityLabel,
    title: f.title,
    description: f.description,
    resource: { ip: f.resource.ip, name: f.resource.name },
    actor: f.actor.port === null ? f.actor.ip : `${f.actor.ip}:${f.actor.port}`,
    count: f.count,
    firstSeen: f.firstSeen,
    lastSeen: f.lastSeen,
    status: f.status,
    evidence: {
      threshold: f.evidence.threshold,
      observed: f.evidence.observed,
      window: f.evidence.window,
      sample: f.evidence.sample.slice(0, SAMPLE_LINES),
    },
  };
}

/** The findings section from every stored finding (the period filter is applied here). */
export function findingsSection(all: readonly Finding[], p: Period): FindingsSection {
  const findings = findingsInPeriod(all, p).sort(compareFindings);
  const bySeverity = zeroCounts();
  for (const f of findings) bySeverity[severityLabel(f.severity) satisfies SeverityLabel]++;
  const targets = findings
    .filter((f) => f.role === 'target')
    .map((f) => ({
      host: { ip: f.resource.ip, name: f.resource.name, findings: 0, maxSeverity: 0, internal: true },
      severity: f.severity,
    }));
  // Actors: the outside side of attacks on us, and our own hosts when they are the ones acting.
  const actors = findings.map((f) =>
    f.role === 'target'
      ? {
          host: { ip: f.actor.ip, name: null, findings: 0, maxSeverity: 0, internal: isOurs(f.actor.ip) },
          severity: f.severity,
        }
      : {
          host: { ip: f.resource.ip, name: f.resource.name, findings: 0, maxSeverity: 0, internal: true },
          severity: f.severity,
        },
  );
  const perType = new Map<string, number>();
  const notables = findings.filter((f) => {
    if (f.severity < NOTABLE_MIN_SEVERITY) return false;
    const n = (perType.get(f.type) ?? 0) + 1;
    perType.set(f.type, n);
    return n <= NOTABLE_PER_TYPE;
  });
  const omitted =
    findings.filter((f) => f.severity >= NOTABLE_MIN_SEVERITY).length -
    Math.min(notables.length, NOTABLE_LIMIT);
  return {
    total: findings.length,
    active: findings.filter((f) => f.status === 'active').length,
    archived: findings.filter((f) => f.status === 'archived').length,
    bySeverity,
    byType: byType(findings, p),
    timeline: timeline(findings, p),
    topTargets: topHosts(targets),
    topActors: topHosts(actors),
    notable: notables.slice(0, NOTABLE_LIMIT).map(notable),
    notableOmitted: omitted,
  };
}
