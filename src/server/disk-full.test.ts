// A full data directory: the server's data directory on a small tmpfs (mounted by the test, so
// it needs root: CI runs as root; elsewhere the test is skipped with the reason). Filled up, HTTP
// ingest answers 503 with Retry-After and a clear message and stores nothing of the batch; once
// space is freed the same batches are stored, exactly once, and the store reopens intact.

import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { defaultConfig } from '../config/schema.ts';
import { openDuckDbStore } from '../store/duckdb.ts';
import { startServer, type RunningServer } from './serve.ts';

const root = process.getuid?.() === 0;
const clock = manualClock(Date.parse('2026-11-23T12:00:00Z'));
const line = (n: number): string =>
  JSON.stringify({
    log: `Nov 23 11:${String(10 + Math.floor(n / 60)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')} web-1 sshd[77]: Invalid user full${n} from 203.0.113.60 port ${40_000 + n}`,
  });
const batch = (from: number): string => Array.from({ length: 20 }, (_, i) => line(from + i)).join('\n');

let mount = '';
let dataDir = '';
let server: RunningServer | null = null;
let token = '';

async function post(body: string, key?: string): Promise<Response> {
  return fetch(`${server!.url}/api/v1/ingest?format=sshd`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/x-ndjson',
      ...(key === undefined ? {} : { 'idempotency-key': key }),
    },
    body,
  });
}

/** Writes a file until the file system is full. */
function fill(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(256 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(!root)('a full data directory (needs root to mount a tmpfs)', () => {
  beforeAll(async () => {
    mount = mkdtempSync(join(tmpdir(), 'sg-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', mount]);
    dataDir = join(mount, 'data');
    const config = defaultConfig();
    config.server.port = 0;
    server = await startServer({
      config,
      dataDir,
      clock,
      version: 't',
      logStream: false,
      onBootstrapToken: (t) => {
        token = t;
      },
    });
  }, 120_000);

  afterAll(async () => {
    await server?.close().catch(() => undefined);
    if (mount !== '') {
      execFileSync('umount', [mount]);
      rmSync(mount, { recursive: true, force: true });
    }
  });

  it('answers 503 while full, stores nothing twice, and recovers once space is freed', async () => {
    expect((await post(batch(0), 'before')).status).toBe(200);
    const filler = join(mount, 'filler');
    fill(filler);
    const keyed = await post(batch(100), 'while-full');
    expect(keyed.status).toBe(503);
    expect(keyed.headers.get('retry-after')).not.toBeNull();
    expect(((await keyed.json()) as { error: string }).error).toMatch(/data directory is full/);
    const plain = await post(batch(200));
    expect(plain.status).toBe(503);
    rmSync(filler);
    const retried = await post(batch(100), 'while-full');
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect((await post(batch(200))).status).toBe(200);
    const count = async (all: (sql: string) => Promise<Record<string, unknown>[]>) =>
      (
        await all(`SELECT count(*) AS n, count(DISTINCT "user") AS u FROM events WHERE "user" LIKE 'full%'`)
      )[0];
    expect(await count((sql) => server!.deps.flows.all(sql))).toEqual({ n: 60, u: 60 });
    await server!.close();
    server = null;
    const store = await openDuckDbStore(dataDir, { readOnly: true });
    try {
      expect(await count((sql) => store.all(sql))).toEqual({ n: 60, u: 60 });
    } finally {
      await store.close();
    }
  });
});
