// What a store holds, for `sakura-guard stats` and GET /api/v1/stats/store: flow rows, event
// time span, coverage gaps by kind, flows by source, size on disk.

import type { FlowStore } from './store.ts';

export interface StoreSummary {
  flows: number;
  gaps: Record<string, number>;
  firstTime: string | null;
  lastTime: string | null;
  bytesOnDisk: number;
  sources: { source: string; flows: number; first: string | null; last: string | null }[];
}

const iso = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  const d = v instanceof Date ? v : new Date(`${String(v).replace(' ', 'T')}Z`);
  return Number.isNaN(d.getTime()) ? String(v) : d.toISOString();
};

export async function storeSummary(store: FlowStore): Promise<StoreSummary> {
  const s = await store.stats();
  // Grouped by name, not position: ClickHouse (the scale-out store) reads `GROUP BY 1` as a constant.
  const bySource = await store.all(
    `SELECT coalesce(source, 'unknown') AS source_name, count(*) AS n, min(time) AS first, max(time) AS last
     FROM flows GROUP BY source_name ORDER BY n DESC, source_name`,
  );
  const gaps = await store.all(`SELECT kind, count(*) AS n FROM gaps GROUP BY kind ORDER BY kind`);
  return {
    flows: s.flowRows,
    gaps: Object.fromEntries(gaps.map((g) => [String(g['kind']), Number(g['n'])])),
    firstTime: s.firstTime?.toISOString() ?? null,
    lastTime: s.lastTime?.toISOString() ?? null,
    bytesOnDisk: s.bytesOnDisk,
    sources: bySource.map((r) => ({
      source: String(r['source_name']),
      flows: Number(r['n']),
      first: iso(r['first']),
      last: iso(r['last']),
    })),
  };
}
