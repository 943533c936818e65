import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNetScope } from '../engine/net-scope.ts';
import { batchOf, type TestFlow } from '../engine/test-flows.ts';
import { openDuckDbStore } from '../store/duckdb.ts';
import { openPersistedProfiles } from './duckdb-profiles.ts';
import { portKey } from './profile.ts';

const T0 = 1_795_400_000;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const flows: TestFlow[] = Array.from({ length: 300 }, (_, m) => ({
  t: T0 + m * 60,
  src: '10.0.1.11',
  dst: '198.51.100.9',
  sport: 40000 + m,
  dport: 443,
  bytes: 5000,
}));
const options = {
  scope: createNetScope({ internalCidrs: [], externalCidrs: [] }),
  seconds: 86400,
  maxRows: 1e6,
};

describe('persisted profiles', () => {
  it('are backfilled from stored flows the first time, saved, and loaded after a restart', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sg-profiles-'));
    dirs.push(dir);
    let store = await openDuckDbStore(dir);
    await store.appendFlows(batchOf(flows));
    await store.flush();
    const first = await openPersistedProfiles(store.connection, options);
    expect(first.origin).toBe('backfilled');
    expect(first.backfillRows).toBe(300);
    const p = first.book.byIp('10.0.1.11')!;
    expect([...p.used]).toEqual([portKey(6, 443)]);
    expect(p.peers.size).toBe(1);
    expect(p.last - p.first).toBe(299 * 60);
    expect(p.recentN).toBeGreaterThan(20);
    await first.save();
    await store.close();

    store = await openDuckDbStore(dir);
    const again = await openPersistedProfiles(store.connection, options);
    expect(again.origin).toBe('loaded');
    const q = again.book.byIp('10.0.1.11')!;
    expect([...q.used]).toEqual([...p.used]);
    expect([...q.peers]).toEqual([...p.peers]);
    expect(q.recentN).toBe(p.recentN);
    expect(Array.from(q.hourSum)).toEqual(Array.from(p.hourSum));
    await store.close();
  });

  it('an empty data directory starts empty', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sg-profiles-'));
    dirs.push(dir);
    const store = await openDuckDbStore(dir);
    const r = await openPersistedProfiles(store.connection, options);
    expect(r.origin).toBe('empty');
    expect(r.book.profiles).toEqual([]);
    await store.close();
  });
});
