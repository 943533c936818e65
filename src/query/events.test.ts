// Pipe queries over the `events` table, run on the real DuckDB store (test-fixture.ts and
// event-fixture.ts), and through the same read-only sandbox and row cap as flow queries.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../core/errors.ts';
import { openDuckDbStore } from '../store/duckdb.ts';
import { runUserQuery } from '../store/user-query.ts';
import { compilePipeQuery } from './compile.ts';
import { fixtureEvents } from './event-fixture.ts';
import { openRealFixtureStore, type FixtureStore } from './test-fixture.ts';

const compileError = (text: string): UserError => {
  try {
    compilePipeQuery(text);
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error(`"${text}" compiled`);
};

describe('pipe queries over events: compiling', () => {
  it('`source events` and a bare `events` read the events table with its own fields', () => {
    const a = compilePipeQuery('source events | filter program = "sshd" | stats count(*) as n by srcAddr');
    const b = compilePipeQuery('events | filter program = "sshd" | stats count(*) as n by srcAddr');
    expect(a).toEqual(b);
    expect(a.sql).toMatch(/ FROM events WHERE /);
    expect(a.params).toEqual(['sshd', 10_000]);
    expect(compilePipeQuery('events').sql).toMatch(
      /^SELECT time AS "@timestamp", message AS "@message" FROM events/,
    );
    // Without a source, flows as before.
    expect(compilePipeQuery('stats count(*) by srcAddr').sql).toMatch(/ FROM flow_records /);
    expect(compilePipeQuery('source flows | limit 1').sql).toMatch(/ FROM flow_records /);
  });

  it('says what is wrong: flow fields on events, a source that is not first, an unknown source', () => {
    const bytes = compileError('source events | stats sum(bytes)');
    expect(bytes.message).toMatch(/unknown field "bytes"/);
    expect(bytes.hint).toMatch(/events/);
    expect(compileError('source events | filter progam = "sshd"').hint).toMatch(/program/);
    expect(compileError('filter srcPort = 22 | source events').message).toMatch(/source must be the first/);
    expect(compileError('source logs').message).toMatch(/source takes one of flows, events/);
    expect(compileError('events |').message).toMatch(/expected a command/);
  });
});

describe('pipe queries over events: on the real store', () => {
  let store: FixtureStore;
  beforeAll(async () => {
    store = await openRealFixtureStore();
  });
  afterAll(async () => {
    await store.close();
  });
  const rows = async (text: string) => {
    const q = compilePipeQuery(text);
    return store.rows(q.sql, q.params);
  };

  it('counts sshd failures by source (program from the fields JSON)', async () => {
    expect(
      await rows(
        'events | filter program like "sshd" and outcome in ["failure", "invalid_user"] | stats count(*) as n by srcAddr | sort n desc',
      ),
    ).toEqual([
      { srcAddr: '203.0.113.9', n: 3 },
      { srcAddr: '198.51.100.4', n: 1 },
    ]);
  });

  it('reads numbers, users, IPv6 clients and subnets', async () => {
    expect(
      await rows('source events | filter status >= 400 | fields srcAddr, user, path | sort path'),
    ).toEqual([
      { srcAddr: '203.0.113.9', user: null, path: '/.env' },
      { srcAddr: '2001:db8::7', user: 'admin', path: '/admin' },
    ]);
    expect(
      await rows(
        'source events | filter isIpv4InSubnet(srcAddr, "203.0.113.0/24") | stats count(*) as n by kind | sort kind',
      ),
    ).toEqual([
      { kind: 'auth', n: 3 },
      { kind: 'http', n: 1 },
    ]);
    const [latest] = await rows('source events | limit 1');
    expect(latest!['@message']).toMatch(/^access 401 admin/);
  });
});

describe('pipe queries over events: the CLI sandbox and row cap', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sakura-events-query-'));
    const store = await openDuckDbStore(dir);
    await store.appendEvents(fixtureEvents(Math.floor(Date.now() / 86_400_000) * 86_400));
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs read-only with the same row cap as flow queries', async () => {
    const q = compilePipeQuery('source events | fields srcAddr, outcome');
    const capped = await runUserQuery(dir, q.sql, q.params, { maxRows: 3, timeoutMs: 30_000 });
    expect(capped.rows).toHaveLength(3);
    expect(capped.truncated).toBe(true);
    const all = await runUserQuery(dir, q.sql, q.params, { maxRows: 100 });
    expect(all.rows).toHaveLength(fixtureEvents(0).length);
    expect(all.truncated).toBe(false);
    await expect(runUserQuery(dir, 'DELETE FROM events', [])).rejects.toThrow();
  });
});
