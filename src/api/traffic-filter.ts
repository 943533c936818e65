// The time range and filters every traffic statistic takes (resource, address, destination
// port, action), turned into a WHERE clause over the `flows` view with bound parameters only.
// Ranges are bounded (at most MAX_RANGE_DAYS) so no dashboard request scans the whole store.

import { z } from 'zod';
import { ACTION_ACCEPT, ACTION_REJECT } from '../core/flow.ts';
import { parseIp } from '../core/ip.ts';
import type { SqlValue } from '../store/store.ts';
import { ApiError } from './errors.ts';

export const MAX_RANGE_DAYS = 31;
const DAY_MS = 86_400_000;

export const rangeQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export const trafficQuery = rangeQuery.extend({
  resource: z.string().min(1).max(256).optional(),
  /** Source or destination address. */
  ip: z.string().min(1).max(64).optional(),
  /** Destination port. */
  port: z.coerce.number().int().min(0).max(65_535).optional(),
  action: z.enum(['accept', 'reject']).optional(),
});
export type TrafficQuery = z.infer<typeof trafficQuery>;

/** `[from, to)`; defaults to the 24 hours before `to` (default now). */
export function rangeOf(nowMs: number, q: z.infer<typeof rangeQuery>): [Date, Date] {
  const to = q.to ? new Date(q.to) : new Date(nowMs);
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - DAY_MS);
  if (from >= to) throw new ApiError(400, '`from` must be before `to`');
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS)
    throw new ApiError(
      400,
      `the time range is longer than ${MAX_RANGE_DAYS} days`,
      'narrow `from`/`to`, or run a query (POST /api/v1/query) for longer spans',
    );
  return [from, to];
}

/** Address equality on the integer (IPv4) or text (IPv6) columns; `side` picks src, dst or either. */
export function addressCondition(
  ip: string,
  side: 'src' | 'dst' | 'either',
): { sql: string; params: SqlValue[] } {
  const a = parseIp(ip);
  if (!a) throw new ApiError(400, `not an IP address: ${ip}`, 'give an IPv4 or IPv6 address');
  const [col, value] = a.v6 === null ? (['ip4', a.v4] as const) : (['ip6', a.v6] as const);
  if (side === 'either') return { sql: `(src_${col} = ? OR dst_${col} = ?)`, params: [value, value] };
  return { sql: `${side}_${col} = ?`, params: [value] };
}

export interface Where {
  sql: string;
  params: SqlValue[];
}

/** `time >= ? AND time < ?` plus the filters given. */
export function trafficWhere(range: [Date, Date], q: TrafficQuery): Where {
  const parts = ['time >= ?', 'time < ?'];
  const params: SqlValue[] = [range[0], range[1]];
  if (q.resource !== undefined) {
    parts.push('resource = ?');
    params.push(q.resource);
  }
  if (q.ip !== undefined) {
    const c = addressCondition(q.ip, 'either');
    parts.push(c.sql);
    params.push(...c.params);
  }
  if (q.port !== undefined) {
    parts.push('dst_port = ?');
    params.push(q.port);
  }
  if (q.action !== undefined) {
    parts.push('action_code = ?');
    params.push(q.action === 'reject' ? ACTION_REJECT : ACTION_ACCEPT);
  }
  return { sql: parts.join(' AND '), params };
}

const NICE_BUCKETS = [60, 300, 900, 1800, 3600, 10_800, 21_600, 43_200, 86_400];
export const TARGET_BUCKETS = 120;

/** About TARGET_BUCKETS buckets over the range, rounded up to a step people read easily. */
export function autoBucketSeconds(range: [Date, Date]): number {
  const want = (range[1].getTime() - range[0].getTime()) / 1000 / TARGET_BUCKETS;
  return NICE_BUCKETS.find((b) => b >= want) ?? 86_400;
}

/** Store rows to JSON: dates as ISO text, BigInt beyond 2^53 as decimal text. */
export function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (typeof v === 'bigint') out[k] = v.toString();
    else if (v instanceof Date) out[k] = v.toISOString();
    else out[k] = v;
  }
  return out;
}
