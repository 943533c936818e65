// The traffic explorer's figures from the dedicated stats routes (GET /api/v1/stats/*): the same
// range and filters (host, destination port, rejected only) as bound parameters on the server,
// instead of SQL built here. The routes take at most 31 days; a longer view asks for its last 31.

import { get } from './api.ts';
import type { Peer } from './charts/PeerGraph.tsx';
import type { TimePoint } from './charts/TimeBars.tsx';
import type { TimeRange } from './range.ts';

export const MAX_STATS_MS = 31 * 86_400_000;

export interface TrafficFilter {
  ip: string;
  port: string;
  rejectedOnly: boolean;
}

const IP = /^[0-9a-fA-F:.]{2,45}$/;
const PORT = /^\d{1,5}$/;

/** The range the routes are asked for: the view's, or its last 31 days. */
export function statsRange(r: TimeRange): TimeRange {
  return { from: Math.max(r.from, r.to - MAX_STATS_MS), to: r.to };
}

type Params = Record<string, string | number | undefined>;

function params(f: TrafficFilter, r: TimeRange, extra: Params = {}): Params {
  const s = statsRange(r);
  return {
    from: new Date(Math.floor(s.from)).toISOString(),
    to: new Date(Math.ceil(s.to)).toISOString(),
    ip: IP.test(f.ip) ? f.ip : undefined,
    port: PORT.test(f.port) ? Number(f.port) : undefined,
    action: f.rejectedOnly ? 'reject' : undefined,
    ...extra,
  };
}

interface SeriesAnswer {
  points: { bucket: string; flows: number | string; bytes: number | string; rejects: number | string }[];
}

/** Accepted and rejected bytes or flows per bucket (rejected bytes need a second, rejected-only call). */
export async function trafficSeries(
  f: TrafficFilter,
  r: TimeRange,
  bucketMs: number,
  metric: 'bytes' | 'flows',
): Promise<TimePoint[]> {
  const bucketSeconds = Math.max(1, Math.round(bucketMs / 1000));
  const all = await get<SeriesAnswer>('/api/v1/stats/timeseries', params(f, r, { bucketSeconds }));
  const rejectedBytes = new Map<number, number>();
  if (metric === 'bytes' && !f.rejectedOnly) {
    const rej = await get<SeriesAnswer>(
      '/api/v1/stats/timeseries',
      params({ ...f, rejectedOnly: true }, r, { bucketSeconds }),
    );
    for (const p of rej.points) rejectedBytes.set(Date.parse(p.bucket), Number(p.bytes));
  }
  return all.points.map((p) => {
    const t = Date.parse(p.bucket);
    const total = Number(metric === 'bytes' ? p.bytes : p.flows);
    const rejected = f.rejectedOnly
      ? total
      : metric === 'bytes'
        ? (rejectedBytes.get(t) ?? 0)
        : Number(p.rejects);
    return { t, values: [total - rejected, rejected] };
  });
}

export interface Talker {
  ip: string;
  bytes: number;
  flows: number;
}

export async function topTalkers(f: TrafficFilter, r: TimeRange): Promise<Talker[]> {
  const a = await get<{ items: { src_ip: string; bytes: number | string; flows: number | string }[] }>(
    '/api/v1/stats/top-talkers',
    params(f, r, { limit: 10 }),
  );
  return a.items.map((i) => ({ ip: String(i.src_ip), bytes: Number(i.bytes), flows: Number(i.flows) }));
}

export interface PortCount {
  proto: number;
  port: number;
  flows: number;
}

export async function topPorts(f: TrafficFilter, r: TimeRange): Promise<PortCount[]> {
  const a = await get<{ items: { proto: number; dst_port: number; flows: number | string }[] }>(
    '/api/v1/stats/top-ports',
    params(f, r, { limit: 10 }),
  );
  return a.items.map((i) => ({ proto: Number(i.proto), port: Number(i.dst_port), flows: Number(i.flows) }));
}

export interface RejectedRow {
  src: string;
  dst: string;
  port: number | null;
  proto: number | null;
  flows: number;
  lastSeen: string;
}

export async function rejectedTraffic(f: TrafficFilter, r: TimeRange): Promise<RejectedRow[]> {
  const a = await get<{
    items: {
      src_ip: string;
      dst_ip: string;
      dst_port: number | null;
      proto: number | null;
      flows: number | string;
      lastSeen: string;
    }[];
  }>('/api/v1/stats/rejected', params({ ...f, rejectedOnly: false }, r, { limit: 15 }));
  return a.items.map((i) => ({
    src: String(i.src_ip),
    dst: String(i.dst_ip),
    port: i.dst_port,
    proto: i.proto,
    flows: Number(i.flows),
    lastSeen: i.lastSeen,
  }));
}

interface PeersAnswer {
  ip: string;
  edges: { source: string; target: string; flows: number; bytes: number }[];
}

/** A host's peers (both directions summed), with the flows of theirs that were rejected. */
export async function hostPeers(f: TrafficFilter, r: TimeRange): Promise<Peer[] | null> {
  if (!IP.test(f.ip)) return null;
  const base = { ip: f.ip, port: '', rejectedOnly: false };
  const [all, rej] = await Promise.all([
    get<PeersAnswer>('/api/v1/stats/peers', params(base, r, { limit: 48 })),
    get<PeersAnswer>('/api/v1/stats/peers', params({ ...base, rejectedOnly: true }, r, { limit: 48 })),
  ]);
  const byPeer = new Map<string, Peer>();
  const add = (a: PeersAnswer, rejected: boolean): void => {
    for (const e of a.edges) {
      const ip = e.source === a.ip ? e.target : e.source;
      const p = byPeer.get(ip) ?? { ip, bytes: 0, flows: 0, rejected: 0 };
      if (rejected) p.rejected += e.flows;
      else {
        p.bytes += e.bytes;
        p.flows += e.flows;
      }
      byPeer.set(ip, p);
    }
  };
  add(all, false);
  add(rej, true);
  return [...byPeer.values()]
    .filter((p) => p.flows > 0)
    .sort((a, b) => b.bytes - a.bytes || a.ip.localeCompare(b.ip))
    .slice(0, 24);
}
