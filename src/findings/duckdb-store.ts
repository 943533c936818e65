// The FindingStore in the data directory's DuckDB file, beside the flows. Tables `findings` and
// `suppressions` keep a few indexed columns for filtering and the full object as JSON text.
// Values are always bound as parameters.

import type { DuckDBConnection } from '@duckdb/node-api';
import type { Finding } from './finding.ts';
import { findingListSql, listedFindings, type FindingQuery, type FindingStore } from './store.ts';
import type { SuppressionRule } from './suppression.ts';

/** Rows per INSERT statement when flushing, and puts buffered before a flush is forced. */
const FLUSH_ROWS = 200;
const MAX_PENDING = 2000;

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS findings (
     id VARCHAR PRIMARY KEY,
     type VARCHAR NOT NULL,
     severity DOUBLE NOT NULL,
     status VARCHAR NOT NULL,
     resource_ip VARCHAR NOT NULL,
     actor_ip VARCHAR NOT NULL,
     first_seen VARCHAR NOT NULL,
     last_seen VARCHAR NOT NULL,
     body VARCHAR NOT NULL,
     first_seen_ms BIGINT,
     last_seen_ms BIGINT
   )`,
  // Times as integers too: sorting 100 000 ISO strings that share their first bytes is ~5x slower
  // than integers, and the API's findings page sorts by them (api/finding-page.ts). Files made
  // before these columns get them here, filled from the text.
  `ALTER TABLE findings ADD COLUMN IF NOT EXISTS first_seen_ms BIGINT`,
  `ALTER TABLE findings ADD COLUMN IF NOT EXISTS last_seen_ms BIGINT`,
  `UPDATE findings SET first_seen_ms = epoch_ms(CAST(first_seen AS TIMESTAMPTZ)),
     last_seen_ms = epoch_ms(CAST(last_seen AS TIMESTAMPTZ))
   WHERE first_seen_ms IS NULL OR last_seen_ms IS NULL`,
  `CREATE TABLE IF NOT EXISTS suppressions (
     id VARCHAR PRIMARY KEY,
     created_at BIGINT NOT NULL,
     expires_at BIGINT,
     body VARCHAR NOT NULL
   )`,
];

function epochMs(iso: string): number | null {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

/** `create: false` for read-only connections whose tables already exist. */
export async function createDuckDbFindingStore(
  conn: DuckDBConnection,
  options: { create: boolean } = { create: true },
): Promise<FindingStore> {
  if (options.create) for (const sql of SCHEMA) await conn.run(sql);

  const bodies = async (sql: string, values: (string | number)[] = []): Promise<string[]> => {
    const reader = await conn.runAndReadAll(sql, values);
    return reader.getRows().map((r) => String(r[0]));
  };

  // DuckDB is an analytic store: one keyed upsert costs ~2-3 ms and one point read ~1 ms, far too
  // slow for a finding per signal. So puts are buffered (visible to get/list at once) and written
  // in multi-row statements by flush(), which the pipeline calls after each batch of signals;
  // and the ids already stored are loaded once, so a get for a new finding costs no query.
  const pending = new Map<string, Finding>();
  let storedIds: Set<string> | null = null;
  const clone = (f: Finding): Finding => JSON.parse(JSON.stringify(f)) as Finding;

  const flush = async (): Promise<void> => {
    if (pending.size === 0) return;
    const rows = [...pending.values()];
    pending.clear();
    await conn.run('BEGIN TRANSACTION');
    try {
      for (let i = 0; i < rows.length; i += FLUSH_ROWS) {
        const chunk = rows.slice(i, i + FLUSH_ROWS);
        const values: (string | number | null)[] = [];
        const tuples = chunk.map((f) => {
          const base = values.length;
          values.push(f.id, f.type, f.severity, f.status, f.resource.ip, f.actor.ip, f.firstSeen, f.lastSeen);
          values.push(JSON.stringify(f), epochMs(f.firstSeen), epochMs(f.lastSeen));
          return `(${Array.from({ length: 11 }, (_, k) => `$${base + k + 1}`).join(', ')})`;
        });
        await conn.run(
          `INSERT OR REPLACE INTO findings (id, type, severity, status, resource_ip, actor_ip, first_seen, last_seen, body,
             first_seen_ms, last_seen_ms)
           VALUES ${tuples.join(', ')}`,
          values,
        );
      }
      await conn.run('COMMIT');
    } catch (e) {
      await conn.run('ROLLBACK');
      for (const f of rows) if (!pending.has(f.id)) pending.set(f.id, f);
      throw e;
    }
    if (storedIds) for (const f of rows) storedIds.add(f.id);
  };

  return {
    async get(id) {
      const buffered = pending.get(id);
      if (buffered) return clone(buffered);
      storedIds ??= new Set(await bodies('SELECT id FROM findings'));
      if (!storedIds.has(id)) return null;
      const rows = await bodies('SELECT body FROM findings WHERE id = $1', [id]);
      return rows[0] === undefined ? null : (JSON.parse(rows[0]) as Finding);
    },
    async put(f) {
      pending.set(f.id, clone(f));
      if (pending.size >= MAX_PENDING) await flush();
    },
    flush,
    async list(q: FindingQuery = {}) {
      await flush();
      const { sql, values } = findingListSql(q);
      return listedFindings(await bodies(sql, values), q);
    },
    async putRule(r) {
      await conn.run(
        'INSERT OR REPLACE INTO suppressions (id, created_at, expires_at, body) VALUES ($1, $2, $3, $4)',
        [r.id, r.createdAt, r.expiresAt, JSON.stringify(r)],
      );
    },
    async listRules() {
      return (await bodies('SELECT body FROM suppressions ORDER BY created_at, id')).map(
        (b) => JSON.parse(b) as SuppressionRule,
      );
    },
    async deleteRule(id) {
      const before = await bodies('SELECT id FROM suppressions WHERE id = $1', [id]);
      if (before.length === 0) return false;
      await conn.run('DELETE FROM suppressions WHERE id = $1', [id]);
      return true;
    },
  };
}
