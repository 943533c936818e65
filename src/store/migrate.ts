// Applies the schema migrations of schema.ts that a database has not seen yet. The applied
// version lives in `meta` (key `schema_version`); each migration runs in its own transaction.

import type { DuckDBConnection } from '@duckdb/node-api';
import { EXIT_STORE, UserError } from '../core/errors.ts';
import { META_TABLE_SQL, MIGRATIONS, SCHEMA_VERSION } from './schema.ts';

async function readVersion(conn: DuckDBConnection): Promise<number | null> {
  const tables = await conn.runAndReadAll(
    `SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND table_name = 'meta'`,
  );
  if (Number(tables.getRowsJS()[0]?.[0] ?? 0) === 0) return null;
  const r = await conn.runAndReadAll(`SELECT value FROM meta WHERE key = 'schema_version'`);
  const v = r.getRowsJS()[0]?.[0];
  return v === undefined ? null : Number(v);
}

/** Brings the schema to SCHEMA_VERSION; read-only opens only check that it is current. */
export async function migrate(conn: DuckDBConnection, file: string, readOnly: boolean): Promise<number> {
  const current = (await readVersion(conn)) ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new UserError(
      `the store ${file} has schema version ${current}, newer than this program (${SCHEMA_VERSION})`,
      {
        hint: 'upgrade sakura-guard, or point --data-dir at a store this version created',
        exitCode: EXIT_STORE,
      },
    );
  }
  if (current === SCHEMA_VERSION) return current;
  if (readOnly) {
    throw new UserError(
      `the store ${file} has schema version ${current}; this program needs ${SCHEMA_VERSION}`,
      {
        hint: 'run a command that opens the store for writing (for example `sakura-guard ingest`) once to upgrade it',
        exitCode: EXIT_STORE,
      },
    );
  }
  await conn.run(META_TABLE_SQL);
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    await conn.run('BEGIN TRANSACTION');
    try {
      for (const sql of m.statements) await conn.run(sql);
      await conn.run(`INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)`, [String(m.version)]);
      await conn.run('COMMIT');
    } catch (e) {
      await conn.run('ROLLBACK');
      throw e;
    }
  }
  return SCHEMA_VERSION;
}
