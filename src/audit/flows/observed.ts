// Observed traffic as the advisor needs it: flows grouped by (protocol, destination port, source,
// action, reply or not) over a window, and the window's coverage gaps.

import { SERVICE_PORTS } from '../net.ts';

export interface FlowGroup {
  proto: number;
  dstPort: number;
  srcIp: string;
  /** The address the flow went to (our host); '' when the source did not record it. */
  dstIp: string;
  action: 'accept' | 'reject' | 'unknown';
  /** A response leaving a service port towards an ephemeral port: never evidence for an ingress rule. */
  reply: boolean;
  count: number;
}

export interface CoverageGapSpan {
  kind: string;
  start: number;
  end: number;
}

export interface ObservedTraffic {
  /** What was read: a data directory or flow files. */
  source: string;
  /** Unix seconds; the window ends at the newest flow (or the caller's clock). */
  window: { start: number; end: number; days: number };
  groups: FlowGroup[];
  gaps: CoverageGapSpan[];
  /** Calendar days (UTC) in the window that hold at least one flow. */
  daysWithData: number;
  flows: number;
}

const SERVICE = new Set(SERVICE_PORTS.map((s) => s.port));
export const EPHEMERAL_MIN = 1024;

export function isReply(srcPort: number, dstPort: number): boolean {
  if (srcPort <= 0 || dstPort < EPHEMERAL_MIN) return false;
  return srcPort < EPHEMERAL_MIN || (SERVICE.has(srcPort) && !SERVICE.has(dstPort));
}

/** SQL for the same test, over columns `src_port` and `dst_port` (constants only, no user input). */
export function replySql(): string {
  const list = [...SERVICE].filter((p) => p >= EPHEMERAL_MIN).join(', ');
  return `(dst_port >= ${EPHEMERAL_MIN} AND src_port > 0 AND (src_port < ${EPHEMERAL_MIN} OR (src_port IN (${list}) AND dst_port NOT IN (${list}))))`;
}

/** Groups accumulated from individual flow records (files). */
export class FlowGrouper {
  private readonly map = new Map<string, FlowGroup>();
  private readonly days = new Set<number>();
  flows = 0;
  add(f: {
    time: number;
    srcIp: string;
    dstIp: string;
    srcPort: number;
    dstPort: number;
    proto: number;
    action: FlowGroup['action'];
  }): void {
    const reply = isReply(f.srcPort, f.dstPort);
    const key = `${f.proto}|${f.dstPort}|${f.srcIp}|${f.dstIp}|${f.action}|${reply ? 1 : 0}`;
    const g = this.map.get(key);
    if (g) g.count++;
    else
      this.map.set(key, {
        proto: f.proto,
        dstPort: f.dstPort,
        srcIp: f.srcIp,
        dstIp: f.dstIp,
        action: f.action,
        reply,
        count: 1,
      });
    this.days.add(Math.floor(f.time / 86400));
    this.flows++;
  }
  groups(): FlowGroup[] {
    return [...this.map.values()];
  }
  dayCount(): number {
    return this.days.size;
  }
}

/** "30-day window 2026-10-24–2026-11-23: flows on 28 of 30 days; gaps: 2 nodata (5.0 h)" and a level. */
export function windowConfidence(t: ObservedTraffic): { text: string; level: 'high' | 'medium' | 'low' } {
  const day = (s: number): string => new Date(s * 1000).toISOString().slice(0, 10);
  const byKind = new Map<string, { n: number; seconds: number }>();
  for (const g of t.gaps) {
    const e = byKind.get(g.kind) ?? { n: 0, seconds: 0 };
    e.n++;
    e.seconds += Math.max(0, Math.min(g.end, t.window.end) - Math.max(g.start, t.window.start));
    byKind.set(g.kind, e);
  }
  const gapText = [...byKind]
    .map(([k, v]) => `${v.n} ${k.toUpperCase()} (${(v.seconds / 3600).toFixed(1)} h)`)
    .join(', ');
  const coverage = t.window.days > 0 ? t.daysWithData / t.window.days : 0;
  const skip = byKind.has('skipdata');
  const level = coverage >= 0.9 && !skip ? 'high' : coverage >= 0.5 ? 'medium' : 'low';
  const text =
    `${t.window.days}-day window ${day(t.window.start)}–${day(t.window.end)}: flows on ${t.daysWithData} of ${t.window.days} days; ` +
    `gaps: ${gapText || 'none recorded'}; confidence ${level}`;
  return { text, level };
}
