import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { missingBinaries } from '../../../test/servers/process.ts';
import { POSTGRES_BINARY, startPostgres, type PostgresServer } from '../../../test/servers/postgres.ts';
import { findingStoreContract, sampleFinding } from '../../findings/store-contract.ts';
import {
  createPostgresFindingStore,
  postgresStateConfigSchema,
  type PostgresFindingStore,
} from './finding-store.ts';

const skip = missingBinaries({ 'postgresql 15': POSTGRES_BINARY });
if (skip !== null) console.warn(`PostgreSQL finding store tests ${skip}`);

describe('postgres state config', () => {
  it('has defaults that validate', () => {
    expect(postgresStateConfigSchema.parse({})).toMatchObject({ poolSize: 4 });
  });
});

describe.skipIf(skip !== null)('PostgreSQL finding store (postgres on 127.0.0.1)', () => {
  let server: PostgresServer | null = null;
  const open: PostgresFindingStore[] = [];
  let n = 0;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    for (const s of open) await s.close();
    await server?.stop();
  });

  /** A fresh database per store, so each contract test starts empty. */
  async function fresh(): Promise<PostgresFindingStore> {
    const name = `sg_${++n}`;
    const admin = new pg.Client({ connectionString: server!.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const store = await createPostgresFindingStore({ url: server!.url.replace(/\/postgres$/, `/${name}`) });
    open.push(store);
    return store;
  }

  findingStoreContract('postgres', fresh);

  it('keeps flushed findings for another node, and two nodes writing one id converge on one row', async () => {
    const a = await fresh();
    const url = server!.url.replace(/\/postgres$/, `/sg_${n}`);
    const b = await createPostgresFindingStore({ url });
    open.push(b);
    for (let i = 0; i < 2500; i++) await a.put(sampleFinding({ id: `f${i}`, count: i }));
    expect((await a.get('f2499'))?.count).toBe(2499);
    await a.flush();
    expect(await b.list()).toHaveLength(2500);
    await b.put(sampleFinding({ id: 'f7', count: 70 }));
    await b.flush();
    expect((await a.get('f7'))?.count).toBe(70);
    expect(await a.list()).toHaveLength(2500);
  });
});
