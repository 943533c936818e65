// One host for the assets page: its inventory entry (name, tags, owner), its traffic over the
// last seven days and how many findings name it; and its learned baseline, read from the
// behaviour profiles persisted in the store (`host_profiles`, saved at the end of each import and
// when `serve` stops): the ports it serves and uses, how many peers it has, bytes by hour of day.

import { z } from 'zod';
import { loadAssets } from '../../assets/load.ts';
import { hourlyMeans, portName, profileFromJson } from '../../behavior/profile.ts';
import { ipText, parseIp } from '../../core/ip.ts';
import { ApiError } from '../errors.ts';
import { defineRoute, need, type ApiRoute } from '../route.ts';
import { addressCondition } from '../traffic-filter.ts';

const WEEK_MS = 7 * 86_400_000;

function hostAddress(raw: string | undefined): string {
  const a = parseIp(raw ?? '');
  if (!a) throw new ApiError(400, `not an IP address: ${raw}`, 'give an IPv4 or IPv6 address');
  return ipText(a.v4, a.v6);
}

const ports = (keys: Set<number>): string[] => [...keys].sort((a, b) => a - b).map(portName);

export const assetRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/assets/:ip',
    summary: 'One host: inventory entry, traffic of the last 7 days, findings naming it',
    access: need('assets:read'),
    query: z.object({}),
    async handler({ params, deps }) {
      const ip = hostAddress(params['ip']);
      const a = parseIp(ip);
      const asset = a ? (await loadAssets(deps.dataDir)).lookup(a.v4, a.v6, null) : null;
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
      const [findings] = await deps.findingSql(
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
  defineRoute({
    method: 'GET',
    path: '/api/v1/assets/:ip/baseline',
    summary: 'One host’s learned baseline: ports served and used, peers, bytes by hour of day (UTC)',
    access: need('assets:read'),
    query: z.object({}),
    async handler({ params, deps }) {
      const ip = hostAddress(params['ip']);
      const [table] = await deps.flows.all(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'host_profiles'",
      );
      const rows =
        Number(table?.['n'] ?? 0) > 0
          ? await deps.flows.all('SELECT body FROM host_profiles WHERE ip = ?', [ip])
          : [];
      let p = null;
      try {
        const body = rows[0]?.['body'];
        if (typeof body === 'string') p = profileFromJson(JSON.parse(body) as Record<string, unknown>);
      } catch {
        p = null; // a damaged row reads as "nothing learned yet", as detection treats it
      }
      if (p === null) return { ip, learned: false };
      return {
        ip,
        learned: true,
        since: new Date(p.first * 1000).toISOString(),
        lastSeen: new Date(p.last * 1000).toISOString(),
        flows: p.flows,
        servedPorts: ports(p.served),
        servedFull: p.servedFull,
        usedPorts: ports(p.used),
        usedFull: p.usedFull,
        peers: p.peers.size,
        peersFull: p.peersFull,
        hourlyBytes: hourlyMeans(p),
        hourlyBuckets: Array.from(p.hourN),
      };
    },
  }),
];
