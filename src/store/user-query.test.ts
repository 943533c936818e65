import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_REJECT } from '../core/flow.ts';
import { EXIT_STORE, EXIT_USAGE, UserError } from '../core/errors.ts';
import { openDuckDbStore } from './duckdb.ts';
import { batchOf } from './store.contract.ts';
import { leadingKeyword, openQueryConnection, runUserQuery, runUserQueryOn } from './user-query.ts';

const T0 = 1_795_132_800; // 2026-11-20T00:00:00Z
let dir = '';
let secret = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sakura-uq-'));
  secret = join(dir, 'secret.csv');
  const store = await openDuckDbStore(dir);
  await store.all(`COPY (SELECT 'top-secret' AS s) TO '${secret}' (HEADER false)`);
  await store.appendFlows(
    batchOf([
      {
        time: T0,
        src: '10.0.0.1',
        dst: '2001:db8::9',
        dstPort: 22,
        bytes: 2 ** 53 + 2,
        action: ACTION_REJECT,
      },
      { time: T0 + 1, src: '10.0.0.2', dst: '10.0.0.3', dstPort: 80, bytes: 100 },
      { time: T0 + 2, src: '10.0.0.2', dst: '10.0.0.3', dstPort: 443, bytes: 200 },
    ]),
  );
  await store.appendEvents([
    {
      time: T0 + 3,
      kind: 'http',
      outcome: '4xx',
      src_ip: '198.51.100.4',
      src_port: null,
      dst_ip: null,
      dst_port: null,
      user: null,
      message: 'GET /etc/passwd',
      source: 'access',
      host: 'web-1',
      fields: { status: 404, path: '/../../etc/passwd' },
    },
  ]);
  await store.close();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function refusal(sql: string): Promise<UserError> {
  const e: unknown = await runUserQuery(dir, sql).then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof UserError)) throw new Error(`expected a UserError for ${sql}, got ${String(e)}`);
  return e;
}

describe('runUserQuery', () => {
  it('reads log events, with their fields through JSON operators', async () => {
    const r = await runUserQuery(
      dir,
      `SELECT time, kind, src_ip, fields->>'$.path' AS path, CAST(fields->>'$.status' AS INTEGER) AS status
       FROM events WHERE kind = ?`,
      ['http'],
    );
    expect(r.rows).toEqual([['2026-11-20T00:00:03.000Z', 'http', '198.51.100.4', '/../../etc/passwd', 404]]);
  });

  it('runs a SELECT with bound parameters and returns JSON-friendly values', async () => {
    const r = await runUserQuery(
      dir,
      'SELECT time, CAST(time AS DATE) AS day, dst_ip, dst_port, bytes, action FROM flows WHERE dst_port < ? ORDER BY time',
      [100],
    );
    expect(r.columns).toEqual([
      { name: 'time', type: 'TIMESTAMP' },
      { name: 'day', type: 'DATE' },
      { name: 'dst_ip', type: 'VARCHAR' },
      { name: 'dst_port', type: 'INTEGER' },
      { name: 'bytes', type: 'BIGINT' },
      { name: 'action', type: 'VARCHAR' },
    ]);
    expect(r.rows).toEqual([
      ['2026-11-20T00:00:00.000Z', '2026-11-20', '2001:db8::9', 22, String(2 ** 53 + 2), 'reject'],
      ['2026-11-20T00:00:01.000Z', '2026-11-20', '10.0.0.3', 80, 100, 'unknown'],
    ]);
    expect(r.truncated).toBe(false);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('stops at maxRows and says the result was truncated', async () => {
    const r = await runUserQuery(dir, 'SELECT dst_port FROM flows ORDER BY dst_port', [], { maxRows: 2 });
    expect(r.rows).toEqual([[22], [80]]);
    expect(r.truncated).toBe(true);
  });

  it('accepts WITH, FROM-first and leading comments', async () => {
    const r = await runUserQuery(
      dir,
      '-- top talkers\n/* c */ WITH t AS (SELECT src_ip FROM flows) SELECT count(*) AS n FROM t',
    );
    expect(r.rows).toEqual([[3]]);
    expect((await runUserQuery(dir, 'FROM flows SELECT count(*)')).rows).toEqual([[3]]);
  });

  const escapes: [string, RegExp][] = [
    [
      "INSERT INTO gaps VALUES ('nodata', now(), NULL, NULL, NULL, NULL, NULL)",
      /only SELECT queries are allowed, not INSERT/,
    ],
    [
      "WITH x AS (SELECT 1) INSERT INTO gaps SELECT 'nodata', now(), NULL, NULL, NULL, NULL, NULL FROM x",
      /INSERT|read-only|refused/,
    ],
    ["UPDATE gaps SET kind = 'x'", /not UPDATE/],
    ['DELETE FROM gaps', /not DELETE/],
    ['CREATE TABLE x (a INTEGER)', /not CREATE/],
    ['DROP VIEW flows', /not DROP/],
    [`ATTACH '${'/tmp/sakura-attack.duckdb'}' AS x`, /not ATTACH/],
    ['INSTALL httpfs', /not INSTALL/],
    ['LOAD httpfs', /not LOAD/],
    ["COPY gaps TO '/tmp/sakura-attack.csv'", /not COPY/],
    ['PRAGMA database_size', /not PRAGMA/],
    ['SET enable_external_access = true', /not SET/],
    ["EXPORT DATABASE '/tmp/sakura-attack'", /not EXPORT/],
    ['CALL pragma_version()', /not CALL/],
    ["SELECT * FROM read_csv('/etc/passwd')", /file system operations are disabled/],
    ["SELECT * FROM read_text('/etc/passwd')", /file system operations are disabled/],
    ["SELECT * FROM read_blob('/etc/passwd')", /file system operations are disabled/],
    ["SELECT * FROM glob('/etc/*')", /file system operations are disabled/],
    ["SELECT * FROM read_parquet('/tmp/*.parquet')", /file system operations are disabled/],
    ["SELECT * FROM query('ATTACH ''/tmp/sakura-attack.duckdb''')", /refused/],
    ["SELECT * FROM query_table('/etc/passwd')", /refused|failed/],
    ["SELECT set_config('enable_external_access', 'true')", /refused|failed/],
    ['SELECT 1; SELECT 2', /2 statements; only one is allowed/],
    ['SELECT 1; DROP VIEW flows', /2 statements/],
    ['   ', /empty/],
  ];
  for (const [sql, message] of escapes) {
    it(`refuses: ${sql}`, async () => {
      const e = await refusal(sql);
      expect(e.message).toMatch(message);
      expect(e.exitCode).toBe(EXIT_USAGE);
      expect(e.hint).toBeTruthy();
    });
  }

  it('cannot read a file even when its path is in the data directory', async () => {
    const e = await refusal(`SELECT * FROM read_csv('${secret}')`);
    expect(e.message).toMatch(/disabled/);
    expect(e.message).not.toMatch(/top-secret/);
  });

  it('refuses a wrong number of parameters', async () => {
    expect((await refusal('SELECT * FROM flows WHERE dst_port = ?')).message).toMatch(
      /1 parameters but 0 values/,
    );
  });

  it('says so when the store does not exist', async () => {
    const e: unknown = await runUserQuery(join(dir, 'nowhere'), 'SELECT 1').catch((err: unknown) => err);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).exitCode).toBe(EXIT_STORE);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });
});

describe('runUserQueryOn', () => {
  it('runs on a sandboxed connection and refuses an unsandboxed one', async () => {
    const sandbox = await openQueryConnection(dir);
    try {
      expect((await runUserQueryOn(sandbox.connection, 'SELECT count(*) AS n FROM flows')).rows).toEqual([
        [3],
      ]);
    } finally {
      sandbox.close();
    }
    const store = await openDuckDbStore(dir, { readOnly: true });
    try {
      await expect(runUserQueryOn(store.connection, 'SELECT 1')).rejects.toThrow(/sandboxed/);
    } finally {
      await store.close();
    }
  });
});

describe('leadingKeyword', () => {
  it.each([
    ['select 1', 'SELECT'],
    ['  (SELECT 1)', 'SELECT'],
    ['-- x\nWITH a AS (SELECT 1) SELECT * FROM a', 'WITH'],
    ['/* a */ /* b */ pragma x', 'PRAGMA'],
    ['-- only a comment', ''],
    ['', ''],
  ])('%j -> %j', (sql, keyword) => {
    expect(leadingKeyword(sql)).toBe(keyword);
  });
});
