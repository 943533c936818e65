// The data-directory reader against a DuckDB file with the documented `flows` and `gaps` columns.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_FILE, isDataDir, readStoreTraffic } from './read-store.ts';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sg-audit-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function makeStore(): Promise<void> {
  const db = await DuckDBInstance.create(path.join(dir, STORE_FILE));
  const c = await db.connect();
  await c.run(`CREATE TABLE flows ("time" TIMESTAMP, "end" TIMESTAMP, src_ip VARCHAR, src_port INTEGER, dst_ip VARCHAR,
    dst_port INTEGER, proto INTEGER, packets BIGINT, bytes BIGINT, action VARCHAR, direction VARCHAR, resource VARCHAR, source VARCHAR)`);
  await c.run(
    `CREATE TABLE gaps (kind VARCHAR, start TIMESTAMP, "end" TIMESTAMP, resource VARCHAR, source VARCHAR)`,
  );
  await c.run(`INSERT INTO flows VALUES
    ('2026-11-19 10:00:00', NULL, '203.0.113.7', 51000, '10.0.1.5', 22, 6, 10, 800, 'accept', 'ingress', 'eni-1', 'vpc'),
    ('2026-11-19 11:00:00', NULL, '203.0.113.7', 51001, '10.0.1.5', 22, 6, 10, 800, 'accept', 'ingress', 'eni-1', 'vpc'),
    ('2026-11-20 10:00:00', NULL, '198.51.100.1', 443, '10.0.1.5', 50000, 6, 10, 800, 'accept', 'ingress', 'eni-1', 'vpc'),
    ('2026-11-20 10:00:00', NULL, '10.0.1.5', 50000, '198.51.100.1', 443, 6, 10, 800, 'accept', 'egress', 'eni-1', 'vpc'),
    ('2026-09-01 10:00:00', NULL, '192.0.2.1', 40000, '10.0.1.5', 5432, 6, 1, 60, 'reject', 'ingress', 'eni-1', 'vpc')`);
  await c.run(
    `INSERT INTO gaps VALUES ('skipdata', '2026-11-18 00:00:00', '2026-11-18 01:00:00', 'eni-1', 'vpc')`,
  );
  c.closeSync();
  db.closeSync();
}

describe('readStoreTraffic', () => {
  it('groups flows in the window, marks replies, skips egress and reads gaps', async () => {
    await makeStore();
    expect(isDataDir(dir)).toBe(true);
    const t = await readStoreTraffic(dir, 30);
    expect(t.window.end).toBe(Date.UTC(2026, 10, 20, 10) / 1000);
    const groups = t.groups.map((g) => [g.srcIp, g.dstPort, g.action, g.reply, g.count]).sort();
    expect(groups).toEqual([
      ['198.51.100.1', 50000, 'accept', true, 1],
      ['203.0.113.7', 22, 'accept', false, 2],
    ]);
    expect(t.gaps.map((g) => g.kind)).toEqual(['skipdata']);
    expect(t.daysWithData).toBe(2);
  });
  it('fails with a store error when the file is not a database', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dir, STORE_FILE), 'not a database');
    await expect(readStoreTraffic(dir, 30)).rejects.toThrow(/cannot open .* read-only/);
  });
});
