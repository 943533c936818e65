// Figures for dashboards: traffic over time, top talkers, top destination ports. Trusted SQL
// over the `flows` view with bound parameters; the time range defaults to the last 24 hours.

import { z } from 'zod';
import { ApiError } from '../errors.ts';
import { defineRoute, need, type ApiRoute, type ServerDeps } from '../route.ts';

const range = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
const top = range.extend({ limit: z.coerce.number().int().min(1).max(100).default(10) });

function bounds(deps: ServerDeps, q: z.infer<typeof range>): [Date, Date] {
  const to = q.to ? new Date(q.to) : new Date(deps.clock.now());
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 86_400_000);
  if (from >= to) throw new ApiError(400, '`from` must be before `to`');
  return [from, to];
}

export const statsRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/stats/timeseries',
    summary: 'Flows, bytes and packets per time bucket',
    access: need('stats:read'),
    query: range.extend({ bucketSeconds: z.coerce.number().int().min(1).max(86_400).default(300) }),
    async handler({ query, deps }) {
      const [from, to] = bounds(deps, query);
      const rows = await deps.flows.all(
        `SELECT to_timestamp(floor(epoch(time) / ?) * ?) AS bucket, count(*) AS flows,
                coalesce(sum(bytes), 0) AS bytes, coalesce(sum(packets), 0) AS packets
         FROM flows WHERE time >= ? AND time < ? GROUP BY 1 ORDER BY 1`,
        [query.bucketSeconds, query.bucketSeconds, from, to],
      );
      return { from, to, bucketSeconds: query.bucketSeconds, points: rows.map(plain) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/stats/top-talkers',
    summary: 'Source addresses with the most bytes',
    access: need('stats:read'),
    query: top,
    async handler({ query, deps }) {
      const [from, to] = bounds(deps, query);
      const rows = await deps.flows.all(
        `SELECT src_ip, coalesce(sum(bytes), 0) AS bytes, count(*) AS flows FROM flows
         WHERE time >= ? AND time < ? GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?`,
        [from, to, query.limit],
      );
      return { from, to, items: rows.map(plain) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/stats/top-ports',
    summary: 'Destination ports with the most flows',
    access: need('stats:read'),
    query: top,
    async handler({ query, deps }) {
      const [from, to] = bounds(deps, query);
      const rows = await deps.flows.all(
        `SELECT proto, dst_port, count(*) AS flows, coalesce(sum(bytes), 0) AS bytes FROM flows
         WHERE time >= ? AND time < ? AND dst_port IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC, 2 LIMIT ?`,
        [from, to, query.limit],
      );
      return { from, to, items: rows.map(plain) };
    },
  }),
];

/** Store rows to JSON: BigInt that survived jsFriendly becomes text, anything else stays. */
function plain(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = typeof v === 'bigint' ? v.toString() : v;
  return out;
}
