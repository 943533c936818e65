import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_STORE, UserError } from '../core/errors.ts';
import { databasePath, duckDbStoreConfigSchema, openDuckDbStore } from './duckdb.ts';
import { FLOWS_FAST_COLUMNS, FLOWS_VIEW_COLUMNS, SCHEMA_VERSION } from './schema.ts';
import { batchOf, runFlowStoreContract } from './store.contract.ts';

runFlowStoreContract('duckdb', (dataDir, options) => openDuckDbStore(dataDir, options));

describe('openDuckDbStore', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sakura-duck-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('has defaults that validate', () => {
    expect(duckDbStoreConfigSchema.parse({})).toEqual({ readOnly: false, threads: 0 });
  });

  it('creates the file, records the schema version and exposes exactly the documented flows columns', async () => {
    const store = await openDuckDbStore(join(dir, 'd'));
    try {
      expect(store.file).toBe(databasePath(join(dir, 'd')));
      expect(await store.all(`SELECT value FROM meta WHERE key = 'schema_version'`)).toEqual([
        { value: String(SCHEMA_VERSION) },
      ]);
      const cols = await store.all(`SELECT column_name FROM (DESCRIBE flows)`);
      expect(cols.map((c) => c['column_name'])).toEqual([...FLOWS_VIEW_COLUMNS, ...FLOWS_FAST_COLUMNS]);
      const types = await store.all(`SELECT column_name, column_type FROM (DESCRIBE flows)`);
      const typeOf = Object.fromEntries(types.map((t) => [t['column_name'], t['column_type']]));
      expect(typeOf).toMatchObject({
        time: 'TIMESTAMP',
        end: 'TIMESTAMP',
        src_ip: 'VARCHAR',
        src_port: 'INTEGER',
        proto: 'INTEGER',
        packets: 'BIGINT',
        bytes: 'BIGINT',
        action: 'VARCHAR',
        version: 'INTEGER',
        traffic_path: 'INTEGER',
        encryption_status: 'INTEGER',
        extra: 'VARCHAR',
        src_ip4: 'UINTEGER',
      });
    } finally {
      await store.close();
    }
  });

  it('reopens an existing store without migrating it again', async () => {
    const a = await openDuckDbStore(dir);
    await a.appendFlows(batchOf([{ time: 1_795_132_800, src: '10.0.0.1', dst: '10.0.0.2' }]));
    await a.close();
    const b = await openDuckDbStore(dir);
    try {
      expect(await b.all('SELECT count(*) AS n FROM flows')).toEqual([{ n: 1 }]);
    } finally {
      await b.close();
    }
  });

  it('exports Parquet from a read-only open', async () => {
    const a = await openDuckDbStore(dir);
    await a.appendFlows(batchOf([{ time: 1_795_132_800, src: '10.0.0.1', dst: '10.0.0.2' }]));
    await a.close();
    const ro = await openDuckDbStore(dir, { readOnly: true });
    try {
      const r = await ro.exportParquet(join(dir, 'lake'));
      expect(r.files.map((f) => [f.date, f.rows])).toEqual([['2026-11-20', 1]]);
    } finally {
      await ro.close();
    }
  });

  it('refuses a store written by a newer schema', async () => {
    const a = await openDuckDbStore(dir);
    await a.all(`UPDATE meta SET value = '999' WHERE key = 'schema_version'`);
    await a.close();
    await expect(openDuckDbStore(dir)).rejects.toThrow(/schema version 999, newer/);
  });

  it('refuses a read-only open of a data directory without a store', async () => {
    const e: unknown = await openDuckDbStore(join(dir, 'none'), { readOnly: true }).catch(
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).exitCode).toBe(EXIT_STORE);
  });

  it('names the file and the holder when another process has the store open', async () => {
    const first = await openDuckDbStore(dir);
    await first.close();
    const file = databasePath(dir);
    // A second process holds the file for writing until we close its stdin.
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { DuckDBInstance } from '@duckdb/node-api';
         const db = await DuckDBInstance.create(${JSON.stringify(file)});
         process.stdout.write('ready\\n');
         process.stdin.on('data', () => {}); process.stdin.on('end', () => { db.closeSync(); process.exit(0); });`,
      ],
      { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', (d: Buffer) => {
          if (d.toString().includes('ready')) resolve();
        });
        holder.on('exit', (code) => reject(new Error(`holder exited early with ${code}`)));
      });
      for (const readOnly of [false, true]) {
        const e: unknown = await openDuckDbStore(dir, { readOnly }).catch((err: unknown) => err);
        expect(e).toBeInstanceOf(UserError);
        const ue = e as UserError;
        expect(ue.exitCode).toBe(EXIT_STORE);
        expect(ue.message).toContain(file);
        expect(ue.message).toMatch(/in use by another process \(PID \d+\): `sakura-guard serve` or another/);
        expect(ue.hint).toMatch(/one process/);
      }
    } finally {
      holder.stdin.end();
      await new Promise((resolve) => holder.on('close', resolve));
    }
  });
});
