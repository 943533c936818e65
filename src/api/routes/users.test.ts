// The audit log's filters over real HTTP: by user (with or without a token), by action prefix,
// by time, paged with `before`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_NOW, type TestServer } from '../test-server.ts';

let t: TestServer;

interface Entry {
  seq: number;
  at: string;
  actor: string;
  action: string;
}

const entries = (r: { body: Record<string, unknown> }): Entry[] => r.body['items'] as Entry[];

beforeAll(async () => {
  t = await startTestServer();
  t.clock.advance(3_600_000);
  for (const user of ['mallory', 'mallory', 'trent']) {
    const r = await t.call('POST', '/api/v1/auth/login', null, { user, password: 'not-the-password' });
    expect(r.status).toBe(401);
  }
  t.clock.advance(3_600_000);
  expect((await t.call('POST', '/api/v1/tokens', 'analyst', { name: 'later' })).status).toBe(201);
});

afterAll(async () => {
  await t?.close();
});

describe('GET /api/v1/audit filters', () => {
  it('by user: their sign-ins, and their requests made with a token', async () => {
    const mallory = entries(await t.call('GET', '/api/v1/audit?user=mallory', 'admin'));
    expect(mallory.map((e) => [e.actor, e.action])).toEqual([
      ['mallory', 'login'],
      ['mallory', 'login'],
    ]);
    const boot = entries(await t.call('GET', '/api/v1/audit?user=(bootstrap)', 'admin'));
    expect(boot.length).toBeGreaterThanOrEqual(4);
    expect(boot.every((e) => e.actor.startsWith('(bootstrap) (token '))).toBe(true);
  });

  it('by action prefix and by time', async () => {
    const tokens = entries(await t.call('GET', '/api/v1/audit?action=token.', 'admin'));
    expect(tokens.length).toBe(4); // three at start, one later
    expect(tokens.every((e) => e.action === 'token.create')).toBe(true);
    const from = new Date(TEST_NOW + 1_800_000).toISOString();
    const to = new Date(TEST_NOW + 5_400_000).toISOString();
    const window = entries(await t.call('GET', `/api/v1/audit?from=${from}&to=${to}`, 'admin'));
    expect(window.map((e) => e.actor)).toEqual(['trent', 'mallory', 'mallory']);
  });

  it('pages newest first with before', async () => {
    const first = entries(await t.call('GET', '/api/v1/audit?limit=2', 'admin'));
    expect(first).toHaveLength(2);
    const next = entries(await t.call('GET', `/api/v1/audit?limit=2&before=${first[1]?.seq}`, 'admin'));
    expect(next[0]?.seq).toBeLessThan(first[1]?.seq ?? 0);
  });

  it('is for admins only, and rejects a malformed time', async () => {
    expect((await t.call('GET', '/api/v1/audit', 'analyst')).status).toBe(403);
    expect((await t.call('GET', '/api/v1/audit?from=yesterday', 'admin')).status).toBe(400);
  });
});
