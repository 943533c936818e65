// The user-query connection of a running server cannot reach the private tables (users, tokens,
// sessions, the audit log, saved queries: server/private-store.ts) nor the file system, whatever
// the SQL: each known escape runs straight on that connection (past the API's name check, which
// is a second wall) and through the API. A store made before the split has its private tables
// moved out of the main file at the first start.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_SCHEMA } from '../api/auth-store.ts';
import { newSecret, secretDigest } from '../api/secrets.ts';
import { manualClock } from '../core/clock.ts';
import { defaultConfig } from '../config/schema.ts';
import { databasePath } from '../store/duckdb.ts';
import { runUserQueryOn } from '../store/user-query.ts';
import { PRIVATE_DATABASE_FILE, PRIVATE_TABLE_NAMES } from './private-store.ts';
import { startServer, type RunningServer } from './serve.ts';

const clock = manualClock(Date.parse('2026-11-23T12:00:00Z'));
const MARKER = 'sandboxprobe7f3a';

let dir = '';
let server: RunningServer;
let token = '';

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const r = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, text: await r.text() };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sg-sandbox-'));
  // An older store: the access-control tables in the main file, with one user.
  const old = await DuckDBInstance.create(databasePath(dir));
  const c = await old.connect();
  for (const sql of AUTH_SCHEMA) await c.run(sql);
  await c.run(`INSERT INTO auth_users (name, role, password_hash, created_at) VALUES (?, 'viewer', 'x', 1)`, [
    `${MARKER}-old-user`,
  ]);
  c.closeSync();
  old.closeSync();
  const config = defaultConfig();
  config.server.port = 0;
  server = await startServer({
    config,
    dataDir: dir,
    clock,
    version: 't',
    logStream: false,
  });
  // The migrated user means no bootstrap token: an admin and a token of our own.
  await server.deps.auth.addUser(`${MARKER}-user`, 'admin', `${MARKER}-hash`);
  token = newSecret('sgt');
  await server.deps.auth.addToken(
    {
      id: `${MARKER}-token`,
      name: 'probe',
      owner: `${MARKER}-user`,
      role: 'admin',
      createdAt: clock.now(),
      expiresAt: clock.now() + 3_600_000,
      revokedAt: null,
    },
    secretDigest(token),
  );
  const saved = await api('POST', '/api/v1/saved-queries', { name: `${MARKER}-saved`, query: 'SELECT 1' });
  expect(saved.status).toBe(201);
}, 120_000);

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const privateFile = (): string => join(dir, PRIVATE_DATABASE_FILE);

/** Each escape; `files` ones must fail outright (any row would come from the file system). */
const probes = (): { sql: string; files?: true }[] => [
  ...PRIVATE_TABLE_NAMES.map((t) => ({ sql: `SELECT * FROM ${t}` })),
  { sql: `SELECT * FROM query('SELECT * FROM auth_' || 'users')` },
  { sql: `SELECT * FROM query_table('auth_' || 'tokens')` },
  { sql: `SELECT * FROM query_table(chr(97) || 'udit_log')` },
  { sql: `SELECT * FROM query_table(lower('SAVED_QUERIES'))` },
  { sql: `SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT * FROM auth_sessions'))` },
  // Past the API's name check too: the statement is text built at run time.
  { sql: `SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT * FROM auth' || '_users'))` },
  {
    sql: `SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT * FROM sav' || 'ed_queries'))`,
  },
  { sql: `SELECT table_catalog, table_name FROM information_schema.tables` },
  { sql: `SELECT database_name, table_name FROM duckdb_tables()` },
  { sql: `SELECT database_name, path FROM duckdb_databases()` },
  { sql: `SELECT * FROM duckdb_columns() WHERE column_name IN ('password_hash', 'digest', 'query')` },
  { sql: `PRAGMA table_info('auth_tokens')` },
  { sql: `PRAGMA database_list` },
  { sql: `PRAGMA show_tables` },
  { sql: `SHOW ALL TABLES` },
  { sql: `DESCRIBE auth_users` },
  { sql: `ATTACH '${privateFile()}' AS p`, files: true },
  { sql: `SELECT * FROM read_csv('${privateFile()}')`, files: true },
  { sql: `SELECT * FROM read_blob('${privateFile()}')`, files: true },
  { sql: `SELECT * FROM read_text('/etc/passwd')`, files: true },
  { sql: `SELECT * FROM '${privateFile()}'`, files: true },
  { sql: `SELECT * FROM glob('/*')`, files: true },
  { sql: `SELECT * FROM sniff_csv('/etc/passwd')`, files: true },
  { sql: `COPY (SELECT 1) TO '${join(dir, 'out.csv')}'`, files: true },
  { sql: `INSTALL httpfs`, files: true },
  { sql: `LOAD json`, files: true },
  { sql: `SET enable_external_access = true`, files: true },
];

/** What a probe's rows must not contain: private values, private table names, file contents. */
function leaks(rowsJson: string): string[] {
  const bad = [MARKER, 'root:x:', PRIVATE_DATABASE_FILE, ...PRIVATE_TABLE_NAMES];
  return bad.filter((b) => rowsJson.includes(b));
}

describe('the user-query sandbox', () => {
  it('moved the private tables out of the main file, keeping their rows', async () => {
    expect((await server.deps.auth.getUser(`${MARKER}-old-user`))?.role).toBe('viewer');
    const r = await server.deps.flows.all(
      `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()`,
    );
    const names = r.map((row) => String(row['table_name']));
    expect(names).toContain('events');
    for (const t of PRIVATE_TABLE_NAMES) expect(names).not.toContain(t);
  });

  it('reaches no private table and no file on the query connection itself', async () => {
    const reached: string[] = [];
    for (const p of probes()) {
      try {
        const r = await runUserQueryOn(server.deps.queryConnection, p.sql, [], { maxRows: 10_000 });
        const found = leaks(JSON.stringify(r.rows));
        if (p.files) reached.push(`${p.sql}: ran (${r.rows.length} rows)`);
        else if (found.length > 0) reached.push(`${p.sql}: ${found.join(', ')}`);
      } catch {
        // refused or failed: nothing reached
      }
    }
    expect(reached).toEqual([]);
  });

  it('reaches none through the query API either', async () => {
    const reached: string[] = [];
    for (const p of probes()) {
      const r = await api('POST', '/api/v1/query', { query: p.sql });
      if (r.status === 200 && (p.files || leaks(r.text).length > 0)) reached.push(`${p.sql}: ${r.text}`);
    }
    expect(reached).toEqual([]);
  });

  it('still serves the private tables to the server itself', async () => {
    expect((await server.deps.auth.getUser(`${MARKER}-user`))?.passwordHash).toBe(`${MARKER}-hash`);
    const list = await api('GET', '/api/v1/saved-queries');
    expect(list.text).toContain(`${MARKER}-saved`);
    const q = await api('POST', '/api/v1/query', { query: 'SELECT count(*) AS n FROM flows' });
    expect(q.status).toBe(200);
  });
});
