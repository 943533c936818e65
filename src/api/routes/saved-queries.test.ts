// Saved queries over real HTTP: each user sees and changes only their own; kept in the server's
// DuckDB file; not readable through the query route.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_NOW, type TestServer } from '../test-server.ts';

let t: TestServer;
let alice: { token: string };
let bob: { token: string };

beforeAll(async () => {
  t = await startTestServer();
  alice = { token: await t.userToken('alice', 'analyst') };
  bob = { token: await t.userToken('bob', 'viewer') };
});

afterAll(async () => {
  await t?.close();
});

describe('saved queries', () => {
  it('creates, lists, changes and removes one’s own', async () => {
    const created = await t.call('POST', '/api/v1/saved-queries', 'viewer', {
      name: 'SSH rejects',
      query: "filter dst_port = 22 and action = 'reject' | stats count(*) by src_ip",
    });
    expect(created.status).toBe(201);
    const id = String(created.body['id']);
    expect(id).toMatch(/^sq-[0-9a-f]{12}$/);
    expect(created.body).toMatchObject({
      name: 'SSH rejects',
      description: '',
      createdAt: new Date(TEST_NOW).toISOString(),
    });
    await t.call('POST', '/api/v1/saved-queries', 'viewer', {
      name: 'all flows',
      query: 'SELECT * FROM flows',
    });
    const list = await t.call('GET', '/api/v1/saved-queries', 'viewer');
    expect((list.body['items'] as { name: string }[]).map((q) => q.name)).toEqual([
      'all flows',
      'SSH rejects',
    ]);

    t.clock.advance(60_000);
    const changed = await t.call('PATCH', `/api/v1/saved-queries/${id}`, 'viewer', { description: 'noisy' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      name: 'SSH rejects',
      description: 'noisy',
      updatedAt: new Date(TEST_NOW + 60_000).toISOString(),
    });

    expect((await t.call('DELETE', `/api/v1/saved-queries/${id}`, 'viewer')).body).toEqual({ removed: id });
    expect((await t.call('GET', '/api/v1/saved-queries', 'viewer')).body['items']).toHaveLength(1);
  });

  it('another user neither sees nor changes nor removes them', async () => {
    const mine = await t.call('POST', '/api/v1/saved-queries', alice, {
      name: 'mine',
      query: 'SELECT 1',
    });
    const id = String(mine.body['id']);
    const bobs = (await t.call('GET', '/api/v1/saved-queries', bob)).body['items'] as {
      id: string;
    }[];
    expect(bobs.map((q) => q.id)).not.toContain(id);
    expect((await t.call('PATCH', `/api/v1/saved-queries/${id}`, bob, { name: 'x' })).status).toBe(404);
    expect((await t.call('DELETE', `/api/v1/saved-queries/${id}`, bob)).status).toBe(404);
    expect((await t.call('GET', '/api/v1/saved-queries', alice)).body['items']).toHaveLength(1);
    for (const query of [
      'SELECT * FROM saved_queries',
      "SELECT * FROM query_table('saved_' || 'queries')",
      "SELECT * FROM query('SELECT * FROM saved_' || 'queries')",
      "SELECT * FROM query_table('auth_' || 'users')",
    ]) {
      const q = await t.call('POST', '/api/v1/query', bob, { query });
      expect(q.status, query).toBe(403);
    }
  });

  it('validates the body', async () => {
    expect((await t.call('POST', '/api/v1/saved-queries', 'viewer', { name: ' ', query: 'x' })).status).toBe(
      400,
    );
    expect(
      (await t.call('POST', '/api/v1/saved-queries', 'viewer', { name: 'n', query: 'x', owner: 'root' }))
        .status,
    ).toBe(400);
  });
});
