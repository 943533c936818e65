// Figures for dashboards: traffic over time, top talkers, top destination ports, rejected
// traffic and a host's peers. Trusted SQL over the `flows` view with bound parameters; every
// route takes the same bounded time range and filters (traffic-filter.ts) and caps its rows.

import { z } from 'zod';
import { ACTION_REJECT } from '../../core/flow.ts';
import { ipText, parseIp } from '../../core/ip.ts';
import { defineRoute, need, type ApiRoute } from '../route.ts';
import {
  addressCondition,
  autoBucketSeconds,
  plainRow,
  rangeOf,
  trafficQuery,
  trafficWhere,
} from '../traffic-filter.ts';

const top = trafficQuery.extend({ limit: z.coerce.number().int().min(1).max(100).default(10) });
/** Ports listed per peer edge. */
const EDGE_PORTS = 10;

export const statsRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/stats/timeseries',
    summary: 'Flows, bytes, packets and rejected flows per time bucket (automatic size unless given)',
    access: need('stats:read'),
    query: trafficQuery.extend({ bucketSeconds: z.coerce.number().int().min(1).max(86_400).optional() }),
    async handler({ query, deps }) {
      const range = rangeOf(deps.clock.now(), query);
      const bucketSeconds = query.bucketSeconds ?? autoBucketSeconds(range);
      const where = trafficWhere(range, query);
      const rows = await deps.flows.all(
        `SELECT CAST(floor(epoch(time) / ?) * ? AS BIGINT) AS bucket, count(*) AS flows,
                coalesce(sum(bytes), 0) AS bytes, coalesce(sum(packets), 0) AS packets,
                count(*) FILTER (WHERE action_code = ?) AS rejects
         FROM flows WHERE ${where.sql} GROUP BY 1 ORDER BY 1`,
        [bucketSeconds, bucketSeconds, ACTION_REJECT, ...where.params],
      );
      const points = rows.map((r) => ({
        ...plainRow(r),
        bucket: new Date(Number(r['bucket']) * 1000).toISOString(),
      }));
      return { from: range[0], to: range[1], bucketSeconds, points };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/stats/top-talkers',
    summary: 'Source addresses with the most bytes',
    access: need('stats:read'),
    query: top,
    async handler({ query, deps }) {
      const range = rangeOf(deps.clock.now(), query);
      const where = trafficWhere(range, query);
      const rows = await deps.flows.all(
        `SELECT src_ip, coalesce(sum(bytes), 0) AS bytes, count(*) AS flows FROM flows
         WHERE ${where.sql} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?`,
        [...where.params, query.limit],
      );
      return { from: range[0], to: range[1], items: rows.map(plainRow) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/stats/top-ports',
    summary: 'Destination ports with the most flows',
    access: need('stats:read'),
    query: top,
    async handler({ query, deps }) {
      const range = rangeOf(deps.clock.now(), query);
      const where = trafficWhere(range, query);
      const rows = await deps.flows.all(
        `SELECT proto, dst_port, count(*) AS flows, coalesce(sum(bytes), 0) AS bytes FROM flows
         WHERE ${where.sql} AND dst_port IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC, 2 LIMIT ?`,
        [...where.params, query.limit],
      );
      return { from: range[0], to: range[1], items: rows.map(plainRow) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/stats/rejected',
    summary: 'Rejected flows grouped by source, destination and port, most first',
    access: need('stats:read'),
    query: trafficQuery.extend({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
    async handler({ query, deps }) {
      const range = rangeOf(deps.clock.now(), query);
      const where = trafficWhere(range, { ...query, action: 'reject' });
      const [total] = await deps.flows.all(
        `SELECT count(*) AS n FROM flows WHERE ${where.sql}`,
        where.params,
      );
      const rows = await deps.flows.all(
        `SELECT src_ip, dst_ip, dst_port, proto, count(*) AS flows, coalesce(sum(bytes), 0) AS bytes,
                max(time) AS "lastSeen"
         FROM flows WHERE ${where.sql} GROUP BY 1, 2, 3, 4 ORDER BY 5 DESC, 1, 2, 3 LIMIT ?`,
        [...where.params, query.limit],
      );
      return {
        from: range[0],
        to: range[1],
        totalFlows: Number(total?.['n'] ?? 0),
        items: rows.map(plainRow),
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/stats/peers',
    summary: 'A host’s peers as a graph: nodes and directed edges, the heaviest first, bounded',
    access: need('stats:read'),
    query: trafficQuery.extend({
      ip: z.string().min(1).max(64),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
    async handler({ query, deps }) {
      const range = rangeOf(deps.clock.now(), query);
      const { ip, ...filters } = query;
      const where = trafficWhere(range, filters);
      const host = addressCondition(ip, 'either');
      const a = parseIp(ip);
      const center = a ? ipText(a.v4, a.v6) : ip;
      const rows = await deps.flows.all(
        `SELECT src_ip, dst_ip, count(*) AS flows, coalesce(sum(bytes), 0) AS bytes,
                list_sort(list_distinct(list(dst_port)))[1:${EDGE_PORTS}] AS ports
         FROM flows WHERE ${where.sql} AND ${host.sql}
         GROUP BY 1, 2 ORDER BY 4 DESC, 3 DESC, 1, 2 LIMIT ?`,
        [...where.params, ...host.params, query.limit + 1],
      );
      const truncated = rows.length > query.limit;
      const edges = rows.slice(0, query.limit).map((r) => ({
        source: String(r['src_ip']),
        target: String(r['dst_ip']),
        flows: Number(r['flows']),
        bytes: Number(r['bytes']),
        ports: (r['ports'] as unknown[]).filter((p) => p !== null).map(Number),
      }));
      return { ip: center, nodes: nodesOf(center, edges), edges, truncated };
    },
  }),
];

interface Edge {
  source: string;
  target: string;
  flows: number;
  bytes: number;
}

/** The host (center) and each peer with the traffic of its edges. */
function nodesOf(ip: string, edges: readonly Edge[]) {
  const nodes = new Map<string, { id: string; ip: string; flows: number; bytes: number; center: boolean }>();
  const add = (node: string, e: Edge): void => {
    const n = nodes.get(node) ?? { id: node, ip: node, flows: 0, bytes: 0, center: false };
    n.flows += e.flows;
    n.bytes += e.bytes;
    nodes.set(node, n);
  };
  for (const e of edges) {
    add(e.source, e);
    if (e.target !== e.source) add(e.target, e);
  }
  const center = [...nodes.values()].find((n) => n.ip === ip);
  if (center) center.center = true;
  return [...nodes.values()];
}
