// Exactly-once batches on a real DuckDB file: a key stores its rows once, a retry gets the first
// answer, a failed batch leaves neither rows nor key, and the rows survive a reopen with the key.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogEvent } from '../core/records.ts';
import { batchOf } from '../engine/test-flows.ts';
import { openDuckDbStore, type DuckDbFlowStore } from './duckdb.ts';
import { createOnceAppender, INGEST_KEY_TABLE } from './ingest-once.ts';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const T = NOW / 1000;

const event = (n: number): LogEvent => ({
  time: T + n,
  kind: 'auth',
  outcome: 'failure',
  src_ip: '203.0.113.8',
  src_port: 50_000 + n,
  dst_ip: null,
  dst_port: 22,
  user: 'root',
  message: `attempt ${n}`,
  source: 'test',
  host: 'web-1',
  fields: {},
});

const rows = (n: number) => ({
  batches: [batchOf([{ t: T + n, src: '10.0.0.1', dst: '10.0.0.2', sport: 40_000 + n, dport: 443 }])],
  gaps: [],
  events: [event(n)],
});

let dir = '';
let store: DuckDbFlowStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sg-once-'));
  store = await openDuckDbStore(dir);
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function counts(s: DuckDbFlowStore): Promise<{ flows: number; events: number }> {
  const st = await s.stats();
  return { flows: st.flowRows, events: st.eventRows };
}

describe('createOnceAppender', () => {
  it('stores a keyed batch once and answers a retry with the first answer', async () => {
    const once = createOnceAppender(store);
    expect(await once.append('agent', 'k1', rows(1), '{"n":1}', NOW)).toEqual({ stored: true });
    expect(await once.append('agent', 'k1', rows(1), '{"n":2}', NOW)).toEqual({
      stored: false,
      answer: '{"n":1}',
    });
    expect(await counts(store)).toEqual({ flows: 1, events: 1 });
    // Another sender's equal key is another batch.
    expect(await once.append('vector', 'k1', rows(2), '{}', NOW)).toEqual({ stored: true });
    expect(await counts(store)).toEqual({ flows: 2, events: 2 });
  });

  it('leaves neither rows nor key when a batch fails, so its retry stores it', async () => {
    const once = createOnceAppender(store);
    const bad = rows(3);
    bad.events.push({ ...event(4), time: Number.NaN });
    await expect(once.append('agent', 'k3', bad, '{}', NOW)).rejects.toThrow(/time/);
    expect(await counts(store)).toEqual({ flows: 0, events: 0 });
    expect(await once.append('agent', 'k3', rows(3), '{}', NOW)).toEqual({ stored: true });
    expect(await counts(store)).toEqual({ flows: 1, events: 1 });
  });

  it('keeps rows and keys together across a reopen, and forgets keys after the retention', async () => {
    await createOnceAppender(store).append('agent', 'k5', rows(5), '{"n":5}', NOW);
    await store.close();
    store = await openDuckDbStore(dir);
    const once = createOnceAppender(store);
    expect(await once.append('agent', 'k5', rows(5), '{}', NOW)).toEqual({
      stored: false,
      answer: '{"n":5}',
    });
    expect(await counts(store)).toEqual({ flows: 1, events: 1 });
    await store.close();
    store = await openDuckDbStore(dir);
    const later = createOnceAppender(store);
    expect(await later.append('agent', 'k6', rows(6), '{}', NOW + 8 * 86_400_000)).toEqual({ stored: true });
    const keys = await store.all(`SELECT key FROM ${INGEST_KEY_TABLE} ORDER BY key`);
    expect(keys.map((r) => r['key'])).toEqual(['k6']);
  });

  it('does not commit rows the main writer appended meanwhile with a failed batch', async () => {
    const once = createOnceAppender(store);
    await store.appendFlows(rows(7).batches[0]!);
    const bad = rows(8);
    bad.events.push({ ...event(9), time: Number.NaN });
    await expect(once.append('agent', 'k8', bad, '{}', NOW)).rejects.toThrow();
    await store.flush();
    expect(await counts(store)).toEqual({ flows: 1, events: 0 });
  });
});
