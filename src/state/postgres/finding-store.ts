// The FindingStore over PostgreSQL (scale-out mode): findings and suppression rules are mutable
// state shared by every detector worker and API node, so they live in PostgreSQL rather than in
// ClickHouse. Puts are buffered like the DuckDB store's and written on flush() as one multi-row
// upsert in a transaction; a finding id is the hash of its identity (findings/finding.ts), so
// two workers writing the same finding converge on one row. Values are always `$n` parameters.

import pg from 'pg';
import { z } from 'zod';
import type { Finding } from '../../findings/finding.ts';
import {
  findingListSql,
  listedFindings,
  type FindingQuery,
  type FindingStore,
} from '../../findings/store.ts';
import type { SuppressionRule } from '../../findings/suppression.ts';
import type { SqlValue } from '../../store/store.ts';

export const postgresStateConfigSchema = z.object({
  /** libpq connection URL; with a password, set it in the environment: SAKURA_GUARD__SCALE_OUT__POSTGRES__URL. */
  url: z.string().default('postgres://sakura@127.0.0.1:5432/sakura_guard'),
  /** Connections per process. */
  poolSize: z.number().int().min(1).default(4),
});
export type PostgresStateConfig = z.infer<typeof postgresStateConfigSchema>;

/** Rows per INSERT when flushing, and puts buffered before a flush is forced. */
const FLUSH_ROWS = 200;
const MAX_PENDING = 2000;

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS findings (
     id text PRIMARY KEY,
     type text NOT NULL,
     severity double precision NOT NULL,
     status text NOT NULL,
     resource_ip text NOT NULL,
     actor_ip text NOT NULL,
     first_seen text NOT NULL,
     last_seen text NOT NULL,
     body text NOT NULL
   )`,
  // Event times as epoch milliseconds for sorting (the text times may differ in precision), as
  // the DuckDB table has them; the API's finding pages sort on these (api/finding-page.ts).
  `ALTER TABLE findings ADD COLUMN IF NOT EXISTS first_seen_ms bigint`,
  `ALTER TABLE findings ADD COLUMN IF NOT EXISTS last_seen_ms bigint`,
  `UPDATE findings SET first_seen_ms = (extract(epoch FROM first_seen::timestamptz) * 1000)::bigint,
     last_seen_ms = (extract(epoch FROM last_seen::timestamptz) * 1000)::bigint
   WHERE first_seen_ms IS NULL OR last_seen_ms IS NULL`,
  `CREATE INDEX IF NOT EXISTS findings_severity ON findings (severity DESC, last_seen DESC)`,
  `CREATE TABLE IF NOT EXISTS suppressions (
     id text PRIMARY KEY,
     created_at bigint NOT NULL,
     expires_at bigint,
     body text NOT NULL
   )`,
];

export interface PostgresFindingStore extends FindingStore {
  /**
   * Trusted SQL over the `findings` table with `?` parameters, as the API's finding pages write it
   * for DuckDB (each `?` becomes `$n`; the SQL is ours and has no `?` inside literals). Buffered
   * puts are flushed first.
   */
  sql(sql: string, params?: readonly SqlValue[]): Promise<Record<string, unknown>[]>;
  /** Flushes and releases the connections. */
  close(): Promise<void>;
}

export async function createPostgresFindingStore(
  options: Partial<PostgresStateConfig> = {},
): Promise<PostgresFindingStore> {
  const config = postgresStateConfigSchema.parse(options);
  const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize });
  // Two nodes creating the schema at once would race on the catalog: one lock serialises them.
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(7301)');
    for (const sql of SCHEMA) await client.query(sql);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }

  const bodies = async (sql: string, values: (string | number | null)[] = []): Promise<string[]> =>
    (await pool.query<{ body: string }>(sql, values)).rows.map((r) => r.body);
  const pending = new Map<string, Finding>();
  const clone = (f: Finding): Finding => structuredClone(f);

  const flush = async (): Promise<void> => {
    if (pending.size === 0) return;
    const rows = [...pending.values()];
    pending.clear();
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      for (let i = 0; i < rows.length; i += FLUSH_ROWS) {
        const values: (string | number)[] = [];
        const tuples = rows.slice(i, i + FLUSH_ROWS).map((f) => {
          const base = values.length;
          values.push(f.id, f.type, f.severity, f.status, f.resource.ip, f.actor.ip, f.firstSeen, f.lastSeen);
          values.push(JSON.stringify(f), Date.parse(f.firstSeen), Date.parse(f.lastSeen));
          return `(${Array.from({ length: 11 }, (_, k) => `$${base + k + 1}`).join(', ')})`;
        });
        await c.query(
          `INSERT INTO findings (id, type, severity, status, resource_ip, actor_ip, first_seen, last_seen, body,
             first_seen_ms, last_seen_ms)
           VALUES ${tuples.join(', ')}
           ON CONFLICT (id) DO UPDATE SET type = EXCLUDED.type, severity = EXCLUDED.severity,
             status = EXCLUDED.status, resource_ip = EXCLUDED.resource_ip, actor_ip = EXCLUDED.actor_ip,
             first_seen = EXCLUDED.first_seen, last_seen = EXCLUDED.last_seen, body = EXCLUDED.body,
             first_seen_ms = EXCLUDED.first_seen_ms, last_seen_ms = EXCLUDED.last_seen_ms`,
          values,
        );
      }
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK');
      for (const f of rows) if (!pending.has(f.id)) pending.set(f.id, f);
      throw e;
    } finally {
      c.release();
    }
  };

  return {
    async get(id) {
      const buffered = pending.get(id);
      if (buffered) return clone(buffered);
      const [body] = await bodies('SELECT body FROM findings WHERE id = $1', [id]);
      return body === undefined ? null : (JSON.parse(body) as Finding);
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
    async sql(sql, params = []) {
      await flush();
      let n = 0;
      const numbered = sql.replace(/\?/g, () => `$${++n}`);
      const values = params.map((v) =>
        v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? String(v) : v,
      );
      return (await pool.query<Record<string, unknown>>(numbered, values)).rows;
    },
    async putRule(r) {
      await pool.query(
        `INSERT INTO suppressions (id, created_at, expires_at, body) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at, body = EXCLUDED.body`,
        [r.id, r.createdAt, r.expiresAt, JSON.stringify(r)],
      );
    },
    async listRules() {
      return (await bodies('SELECT body FROM suppressions ORDER BY created_at, id')).map(
        (b) => JSON.parse(b) as SuppressionRule,
      );
    },
    async deleteRule(id) {
      const r = await pool.query('DELETE FROM suppressions WHERE id = $1', [id]);
      return (r.rowCount ?? 0) > 0;
    },
    async close() {
      try {
        await flush();
      } finally {
        await pool.end();
      }
    },
  };
}
