// Ingest coverage for a report: the flows stored in the period per source, the coverage gaps the
// sources reported, and the malformed lines quarantined (DATA_DIR/quarantine/*.ndjson, counted by
// the time of the import that rejected them). Values are bound as parameters.

import { createReadStream, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { reasonFamily } from '../core/quarantine.ts';
import type { FlowStore } from '../store/store.ts';
import type { CoverageSection } from './model.ts';
import type { Period } from './period.ts';

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v ?? ''));
const num = (v: unknown): number => Number(v ?? 0);

async function hasTable(all: FlowStore['all'], name: string): Promise<boolean> {
  const [r] = await all('SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ?', [name]);
  return num(r?.n) > 0;
}

/** Quarantined lines per reason family whose import ran inside the period. */
export async function quarantineCounts(dataDir: string, p: Period): Promise<CoverageSection['quarantine']> {
  const dir = path.join(dataDir, 'quarantine');
  const byReason = new Map<string, number>();
  let total = 0;
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)
      .filter((n) => n.endsWith('.ndjson'))
      .sort()) {
      const lines = createInterface({ input: createReadStream(path.join(dir, name)), crlfDelay: Infinity });
      for await (const line of lines) {
        let rec: { at?: unknown; reason?: unknown };
        try {
          rec = JSON.parse(line) as { at?: unknown; reason?: unknown };
        } catch {
          continue; // a torn last line of a crashed import: nothing to count
        }
        const at = typeof rec.at === 'string' ? Date.parse(rec.at) : NaN;
        if (!(at >= p.fromMs && at < p.toMs)) continue;
        const reason = reasonFamily(typeof rec.reason === 'string' ? rec.reason : 'unknown');
        byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
        total++;
      }
    }
  }
  return {
    total,
    byReason: [...byReason]
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
  };
}

export async function coverageSection(
  store: FlowStore,
  dataDir: string,
  p: Period,
): Promise<CoverageSection> {
  const range = [new Date(p.fromMs), new Date(p.toMs)];
  const sources = (await hasTable(store.all.bind(store), 'flow_rows'))
    ? await store.all(
        `SELECT coalesce(source, 'unknown') AS source, count(*) AS flows, coalesce(sum(bytes), 0) AS bytes,
           count(*) FILTER (WHERE action_code = 1) AS accepted, count(*) FILTER (WHERE action_code = 2) AS rejected,
           min(time) AS first, max(time) AS last
         FROM flows WHERE time >= ? AND time < ? GROUP BY 1 ORDER BY 2 DESC, 1`,
        range,
      )
    : [];
  const gaps = (await hasTable(store.all.bind(store), 'gaps'))
    ? await store.all(
        `SELECT kind, count(*) AS n, count(DISTINCT resource) AS resources
         FROM gaps WHERE start >= ? AND start < ? GROUP BY 1 ORDER BY 1`,
        range,
      )
    : [];
  return {
    flows: sources.reduce((s, r) => s + num(r.flows), 0),
    bytes: sources.reduce((s, r) => s + num(r.bytes), 0),
    accepted: sources.reduce((s, r) => s + num(r.accepted), 0),
    rejected: sources.reduce((s, r) => s + num(r.rejected), 0),
    sources: sources.map((r) => ({
      source: String(r.source),
      flows: num(r.flows),
      first: iso(r.first),
      last: iso(r.last),
    })),
    gaps: gaps.map((g) => ({ kind: String(g.kind), count: num(g.n), resources: num(g.resources) })),
    quarantine: await quarantineCounts(dataDir, p),
  };
}
