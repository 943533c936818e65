// What the store holds (the `stats` command's figures: flows, time span, gaps, sources, size) and
// the health of each ingest source for the dashboard: rate, lag, coverage gaps, and the lines
// the quarantine holds by input.

import { readQuarantine } from '../../core/quarantine-report.ts';
import { storeSummary } from '../../store/summary.ts';
import { defineRoute, need, type ApiRoute } from '../route.ts';

const HOUR_MS = 3_600_000;
/** Sources listed (a store has a handful; the rest are left out and counted). */
const MAX_SOURCES = 50;

const ms = (v: unknown): number | null => {
  if (v === null || v === undefined) return null;
  const d = v instanceof Date ? v : new Date(`${String(v).replace(' ', 'T')}Z`);
  return Number.isNaN(d.getTime()) ? null : d.getTime();
};
const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

export const storeStatsRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/stats/store',
    summary: 'What the store holds: flow rows, event time span, coverage gaps, flows by source, size on disk',
    access: need('stats:read'),
    async handler({ deps }) {
      return storeSummary(deps.flows);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/stats/ingest',
    summary: 'Ingest health per source (flows, rate, lag, coverage gaps) and quarantined lines by input',
    access: need('stats:read'),
    async handler({ deps }) {
      const now = deps.clock.now();
      const rows = await deps.flows.all(
        `SELECT coalesce(source, 'unknown') AS source, count(*) AS flows, min(time) AS first, max(time) AS last
         FROM flows GROUP BY 1 ORDER BY 2 DESC, 1`,
      );
      const gapRows = await deps.flows.all(
        `SELECT coalesce(source, 'unknown') AS source, count(*) AS n FROM gaps GROUP BY 1`,
      );
      const gaps = new Map(gapRows.map((g) => [String(g['source']), Number(g['n'])]));
      const sources = [];
      for (const r of rows.slice(0, MAX_SOURCES)) {
        const source = String(r['source']);
        const first = ms(r['first']);
        const last = ms(r['last']);
        // The rate of the source's newest hour: what it delivers now, not its average since the start.
        const [recent] =
          last === null
            ? []
            : await deps.flows.all(
                `SELECT count(*) AS n FROM flows WHERE coalesce(source, 'unknown') = ? AND time > ?`,
                [source, new Date(last - HOUR_MS)],
              );
        sources.push({
          source,
          flows: Number(r['flows']),
          first: iso(first),
          last: iso(last),
          lastHourFlows: Number(recent?.['n'] ?? 0),
          lagSeconds: last === null ? null : Math.max(0, Math.round((now - last) / 1000)),
          gaps: gaps.get(source) ?? 0,
        });
      }
      for (const [source, n] of gaps)
        if (!rows.some((r) => String(r['source']) === source))
          sources.push({
            source,
            flows: 0,
            first: null,
            last: null,
            lastHourFlows: 0,
            lagSeconds: null,
            gaps: n,
          });
      return {
        now: iso(now),
        sources,
        sourcesLeftOut: Math.max(0, rows.length - MAX_SOURCES),
        quarantine: await readQuarantine(deps.dataDir),
      };
    },
  }),
];
