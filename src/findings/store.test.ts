import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { createDuckDbFindingStore } from './duckdb-store.ts';
import { createMemoryFindingStore } from './memory-store.ts';
import { findingStoreContract, sampleFinding } from './store-contract.ts';

findingStoreContract('memory', async () => createMemoryFindingStore());
findingStoreContract('duckdb', async () => {
  const instance = await DuckDBInstance.create(':memory:');
  return createDuckDbFindingStore(await instance.connect());
});

describe('DuckDB finding store buffering', () => {
  it('writes buffered puts on flush, in bulk, and they survive reopening the file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sg-fs-'));
    const file = path.join(dir, 'f.duckdb');
    const first = await DuckDBInstance.create(file);
    const conn = await first.connect();
    const store = await createDuckDbFindingStore(conn);
    for (let i = 0; i < 2500; i++) await store.put(sampleFinding({ id: `f${i}`, count: i }));
    expect((await store.get('f2499'))?.count).toBe(2499); // visible before any flush
    await store.flush();
    conn.closeSync();
    first.closeSync();

    const again = await DuckDBInstance.create(file);
    const reopened = await createDuckDbFindingStore(await again.connect());
    expect(await reopened.list()).toHaveLength(2500);
    expect((await reopened.get('f1234'))?.count).toBe(1234);
    expect(await reopened.get('nope')).toBeNull();
    again.closeSync();
  });
});
