// POST /api/v1/ingest on a running server: Fluent Bit-shaped NDJSON, gzip, Vector-shaped JSON
// arrays; rows visible through the query API right after the 200; bad input is refused or
// quarantined; the sink refuses a batch while the queue is full.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.ts';
import { defaultConfig } from '../../config/schema.ts';
import { createDetectionPipeline } from '../../engine/pipeline.ts';
import { noAssets, noIntel } from '../../engine/lookups.ts';
import { createMemoryFindingStore } from '../../findings/memory-store.ts';
import { batchLines, createIngestSink, parseLines } from '../../server/http-ingest.ts';
import { startServer, type RunningServer } from '../../server/serve.ts';
import { openDuckDbStore } from '../../store/duckdb.ts';

const AUTH = (n: number): string =>
  `Nov 23 11:59:${String(10 + n).padStart(2, '0')} web-1 sshd[${900 + n}]: Failed password for root from 203.0.113.8 port ${50000 + n} ssh2`;
const ACCESS =
  '198.51.100.9 - - [23/Nov/2026:11:59:30 +0000] "GET /?id=1%20union%20select%20password%20from%20users HTTP/1.1" 404 12 "-" "sqlmap/1.7"';

let dir = '';
let server: RunningServer;
let token = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sg-ingest-'));
  const config = defaultConfig();
  config.server.port = 0;
  server = await startServer({
    config,
    dataDir: dir,
    clock: manualClock(Date.parse('2026-11-23T12:00:00Z')),
    version: 't',
    logStream: false,
    onBootstrapToken: (t) => {
      token = t;
    },
  });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(
  body: Buffer | string,
  headers: Record<string, string> = {},
  query = '',
): Promise<Response> {
  return fetch(`${server.url}/api/v1/ingest${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson', ...headers },
    body,
  });
}

async function sql(query: string): Promise<unknown[][]> {
  const r = await fetch(`${server.url}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return ((await r.json()) as { rows: unknown[][] }).rows;
}

describe('POST /api/v1/ingest', () => {
  it('refuses a request without a token', async () => {
    const r = await fetch(`${server.url}/api/v1/ingest`, { method: 'POST', body: '{}' });
    expect(r.status).toBe(401);
  });

  it('stores Fluent Bit NDJSON (gzip) and the events are queryable once it answers', async () => {
    const ndjson = [0, 1, 2].map((n) => JSON.stringify({ date: 1795435150 + n, log: AUTH(n) })).join('\n');
    const r = await post(gzipSync(ndjson), { 'content-encoding': 'gzip' });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ lines: 3, flows: 0, events: 3, rejected: 0 });
    expect(await sql("SELECT count(*) FROM events WHERE src_ip = '203.0.113.8' AND host = 'web-1'")).toEqual([
      [3],
    ]);
  });

  it('stores a Vector JSON array of access lines, with ?format forcing the parser', async () => {
    const body = JSON.stringify([{ message: ACCESS, host: 'shipper', source_type: 'file' }]);
    const r = await post(body, { 'content-type': 'application/json' }, '?format=access');
    expect(await r.json()).toEqual({ lines: 1, flows: 0, events: 1, rejected: 0 });
    expect(await sql("SELECT outcome FROM events WHERE src_ip = '198.51.100.9'")).toEqual([['404']]);
  });

  it('quarantines records that are not JSON or have no log line, and refuses bad gzip and formats', async () => {
    const r = await post(`not json\n{"other":1}\n${JSON.stringify({ log: AUTH(5) })}\n`);
    expect(await r.json()).toEqual({ lines: 1, flows: 0, events: 1, rejected: 2 });
    expect((await post(Buffer.from([0x1f, 0x8b, 1, 2, 3]))).status).toBe(400);
    expect((await post('{}', {}, '?format=netflow')).status).toBe(400);
  });
});

describe('ingest sink', () => {
  it('refuses a batch while the queue holds too many records, and stores nothing of it', async () => {
    const d = mkdtempSync(join(tmpdir(), 'sg-sink-'));
    const store = await openDuckDbStore(d);
    try {
      const pipeline = createDetectionPipeline({
        intel: noIntel,
        assets: noAssets,
        findingStore: createMemoryFindingStore(),
        clock: manualClock(0),
      });
      const sink = createIngestSink({
        config: {
          maxBatchBytes: 1 << 20,
          maxPendingRecords: 3,
          retryAfterSeconds: 1,
          maxUploadBytes: 1 << 20,
        },
        flows: store,
        pipeline,
        dataDir: d,
        clock: manualClock(0),
      });
      const batch = (n: number) =>
        parseLines(
          batchLines(Array.from({ length: n }, (_, k) => JSON.stringify(AUTH(k))).join('\n')).lines,
          't',
          undefined,
          Date.parse('2026-11-23T12:00:00Z'),
        );
      const first = sink.submit(batch(2));
      const second = sink.submit(batch(2));
      expect(await second).toBe('busy');
      expect(await first).toBe('stored');
      expect(await sink.submit(batch(2))).toBe('stored');
      expect(await store.all('SELECT count(*) AS n FROM events')).toEqual([{ n: 4 }]);
      expect(sink.counters()).toMatchObject({ batches: 2, records: 4, refused: 1, pending: 0 });
      sink.close();
    } finally {
      await store.close();
      rmSync(d, { recursive: true, force: true });
    }
  });
});
