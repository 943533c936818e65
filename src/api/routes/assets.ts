// One host for the assets page: its inventory entry (name, tags, owner), its traffic over the
// last seven days and how many findings name it. Learned baselines are not stored anywhere yet
// (the behaviour profiles live in the detectors' memory), so no `baselines` field is given.

import { z } from 'zod';
import { loadAssets } from '../../assets/load.ts';
import { ipText, parseIp } from '../../core/ip.ts';
import { ApiError } from '../errors.ts';
import { defineRoute, need, type ApiRoute } from '../route.ts';
import { addressCondition } from '../traffic-filter.ts';

const WEEK_MS = 7 * 86_400_000;

export const assetRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/assets/:ip',
    summary: 'One host: inventory entry, traffic of the last 7 days, findings naming it',
    access: need('assets:read'),
    query: z.object({}),
    async handler({ params, deps }) {
      const a = parseIp(params['ip'] ?? '');
      if (!a) throw new ApiError(400, `not an IP address: ${params['ip']}`, 'give an IPv4 or IPv6 address');
      const ip = ipText(a.v4, a.v6);
      const asset = (await loadAssets(deps.dataDir)).lookup(a.v4, a.v6, null);
      const to = new Date(deps.clock.now());
      const from = new Date(to.getTime() - WEEK_MS);
      const host = addressCondition(ip, 'either');
      const src = addressCondition(ip, 'src');
      const [traffic] = await deps.flows.all(
        `SELECT count(*) AS flows, coalesce(sum(bytes), 0) AS bytes,
                count(DISTINCT CASE WHEN ${src.sql} THEN dst_ip ELSE src_ip END) AS peers,
                min(time) AS first, max(time) AS last
         FROM flows WHERE time >= ? AND time < ? AND ${host.sql}`,
        [...src.params, from, to, ...host.params],
      );
      await deps.findings.flush();
      const [findings] = await deps.flows.all(
        `SELECT count(*) FILTER (WHERE status = 'active') AS active, count(*) AS total
         FROM findings WHERE resource_ip = ?`,
        [ip],
      );
      const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : null);
      return {
        ip,
        asset,
        traffic: {
          from: from.toISOString(),
          to: to.toISOString(),
          flows: Number(traffic?.['flows'] ?? 0),
          bytes: Number(traffic?.['bytes'] ?? 0),
          peers: Number(traffic?.['peers'] ?? 0),
          firstSeen: iso(traffic?.['first']),
          lastSeen: iso(traffic?.['last']),
        },
        findings: { active: Number(findings?.['active'] ?? 0), total: Number(findings?.['total'] ?? 0) },
      };
    },
  }),
];
