// The server's private tables (users, API tokens, sessions, the audit log, saved queries) live in
// a DuckDB file of their own, DATA_DIR/sakura-guard-private.duckdb, opened by a second DuckDB
// instance. User queries run on a connection of the main instance (server/open-store.ts): a
// catalogue holds only what its instance attached, so no SQL on that connection (query(),
// query_table(), names built at run time, information_schema, duckdb_tables()) can reach these
// tables; ATTACH and file reads are refused there by the sandbox settings.
//
// Stores made before this split kept the tables in the main file: the first start moves them
// (one transaction in the private file, marked in `private_meta`) and then drops them from the
// main file (dropMovedTables, on the main writer).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { AUTH_SCHEMA } from '../api/auth-store.ts';
import { SAVED_QUERIES_SCHEMA } from '../api/saved-queries.ts';
import { databasePath, openInstance } from '../store/duckdb.ts';

export const PRIVATE_DATABASE_FILE = 'sakura-guard-private.duckdb';
/** Tables that only the server's own code reads: never in the main file once moved. */
export const PRIVATE_TABLE_NAMES = [
  'auth_users',
  'auth_tokens',
  'auth_sessions',
  'audit_log',
  'saved_queries',
] as const;

const META_SQL = `CREATE TABLE IF NOT EXISTS private_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`;
const MOVED_KEY = 'moved_from_main';

export interface PrivateStore {
  /** A new connection to the private file; closed with the store. */
  connect(): Promise<DuckDBConnection>;
  close(): void;
}

/** Table names of an attached database (by default the connection's own). */
async function tablesIn(conn: DuckDBConnection, database?: string): Promise<Set<string>> {
  const r = await conn.runAndReadAll(
    'SELECT table_name FROM duckdb_tables() WHERE database_name = coalesce(?, current_database())',
    [database ?? null],
  );
  return new Set(r.getRowsJS().map((row) => String(row[0])));
}

/** Copies the private tables of an older main file, once; their rows keep their columns by name. */
async function moveFromMain(conn: DuckDBConnection, mainFile: string): Promise<void> {
  const done = await conn.runAndReadAll('SELECT count(*) FROM private_meta WHERE key = ?', [MOVED_KEY]);
  if (Number(done.getRowsJS()[0]?.[0] ?? 0) > 0 || !existsSync(mainFile)) return;
  // ATTACH takes no parameter: the path as an escaped literal (our own data directory path).
  await conn.run(`ATTACH '${mainFile.replaceAll("'", "''")}' AS old_main (READ_ONLY)`);
  try {
    const old = await tablesIn(conn, 'old_main');
    await conn.run('BEGIN TRANSACTION');
    try {
      for (const t of PRIVATE_TABLE_NAMES)
        if (old.has(t)) await conn.run(`INSERT INTO ${t} BY NAME SELECT * FROM old_main.${t}`);
      await conn.run('INSERT INTO private_meta VALUES (?, ?)', [MOVED_KEY, new Date().toISOString()]);
      await conn.run('COMMIT');
    } catch (e) {
      await conn.run('ROLLBACK');
      throw e;
    }
  } finally {
    await conn.run('DETACH old_main');
  }
}

/** Opens (creating when needed) the private file, moving the tables of an older main file into it. */
export async function openPrivateStore(dataDir: string): Promise<PrivateStore> {
  const instance: DuckDBInstance = await openInstance(join(dataDir, PRIVATE_DATABASE_FILE), {
    memory_limit: '256MB',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const conns: DuckDBConnection[] = [];
  try {
    const conn = await instance.connect();
    conns.push(conn);
    for (const sql of [META_SQL, ...AUTH_SCHEMA, SAVED_QUERIES_SCHEMA]) await conn.run(sql);
    await moveFromMain(conn, databasePath(dataDir));
    await conn.run('SET enable_external_access = false');
    await conn.run('SET lock_configuration = true');
  } catch (e) {
    for (const c of conns) c.closeSync();
    instance.closeSync();
    throw e;
  }
  return {
    async connect() {
      const c = await instance.connect();
      conns.push(c);
      return c;
    },
    close() {
      for (const c of conns.splice(0)) c.closeSync();
      instance.closeSync();
    },
  };
}

/** Drops the moved tables from the main file (after openPrivateStore copied them). */
export async function dropMovedTables(mainWriter: DuckDBConnection): Promise<void> {
  const present = await tablesIn(mainWriter);
  for (const t of PRIVATE_TABLE_NAMES) if (present.has(t)) await mainWriter.run(`DROP TABLE ${t}`);
}
