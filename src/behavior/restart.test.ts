// Profiles across a restart of `serve`: the profiles saved to the DuckDB file, then the stored
// records of the last hour replayed through detection at start (src/store/replay.ts), then new
// input. The byte buckets and flow counts must equal those of one uninterrupted run, whether the
// profiles were saved at a clean stop (after the pipeline finished) or by the periodic save of a
// server that was then killed (pipeline not finished).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { volumeUnusual } from '../detectors/volume-unusual.ts';
import { noAssets, noIntel } from '../engine/lookups.ts';
import { createNetScope } from '../engine/net-scope.ts';
import { createDetectionPipeline, type DetectionPipeline } from '../engine/pipeline.ts';
import { batchOf, type TestFlow } from '../engine/test-flows.ts';
import { createMemoryFindingStore } from '../findings/memory-store.ts';
import { openDuckDbStore, type DuckDbFlowStore } from '../store/duckdb.ts';
import { replayStoredFlows } from '../store/replay.ts';
import { createProfileBook, withProfiles, type ProfileBook } from './book.ts';
import { openPersistedProfiles } from './duckdb-profiles.ts';
import type { HostProfile } from './profile.ts';

const T0 = 1_795_400_000;
const HOST = '10.0.1.11';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// Five hours of a host calling out every 20 s with a varying size, and a server it answers for.
const flows: TestFlow[] = Array.from({ length: 900 }, (_, m) => ({
  t: T0 + m * 20,
  src: HOST,
  dst: m % 3 === 0 ? '198.51.100.9' : '203.0.113.7',
  sport: 40000 + m,
  dport: 443,
  bytes: 1000 + ((m * 7919) % 5000),
}));
const options = {
  scope: createNetScope({ internalCidrs: [], externalCidrs: [] }),
  seconds: 86400,
  maxRows: 1e6,
};

function pipelineWith(book: ProfileBook): DetectionPipeline {
  return createDetectionPipeline({
    detectors: withProfiles([volumeUnusual], book),
    intel: noIntel,
    assets: noAssets,
    findingStore: createMemoryFindingStore(),
    clock: manualClock(0),
  });
}

async function feed(pipeline: DetectionPipeline, part: readonly TestFlow[], store?: DuckDbFlowStore) {
  for (let i = 0; i < part.length; i += 30) {
    const b = batchOf(part.slice(i, i + 30));
    if (store !== undefined) await store.appendFlows(b);
    await pipeline.onFlows(b);
  }
  await store?.flush();
}

function learned(p: HostProfile) {
  return {
    flows: p.flows,
    hourN: Array.from(p.hourN),
    hourSum: Array.from(p.hourSum),
    hourSq: Array.from(p.hourSq),
    daySum: Array.from(p.daySum),
    recent: Array.from(p.recent),
    recentN: p.recentN,
    lastBucket: p.lastBucket,
  };
}

async function uninterrupted(): Promise<ReturnType<typeof learned>> {
  const book = createProfileBook();
  const pipeline = pipelineWith(book);
  await feed(pipeline, flows);
  await pipeline.finish();
  return learned(book.byIp(HOST)!);
}

/** Runs the first `cut` flows, saves, "restarts" (replay of the last hour), runs the rest. */
async function restarted(cut: number, cleanStop: boolean): Promise<ReturnType<typeof learned>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sg-profiles-restart-'));
  dirs.push(dir);
  let store = await openDuckDbStore(dir);
  const first = await openPersistedProfiles(store.connection, options);
  expect(first.origin).toBe('empty');
  const before = pipelineWith(first.book);
  await feed(before, flows.slice(0, cut), store);
  // A clean stop finishes detection (every bucket closed) before saving; a periodic save of a
  // server killed afterwards saves while buckets are still open.
  if (cleanStop) await before.finish();
  await first.save();
  await store.close();

  store = await openDuckDbStore(dir);
  const again = await openPersistedProfiles(store.connection, options);
  expect(again.origin).toBe('loaded');
  const after = pipelineWith(again.book);
  let replayed = 0;
  for await (const b of replayStoredFlows(store, { seconds: 3600, maxRows: 1e6 })) {
    await after.onFlows(b);
    replayed += b.length;
  }
  expect(replayed).toBe(181); // the last hour of 20-s calls, both ends included
  await feed(after, flows.slice(cut), store);
  await after.finish();
  const out = learned(again.book.byIp(HOST)!);
  await store.close();
  return out;
}

describe('profiles across a restart with replay', () => {
  it('count every record once after a clean stop (saved after the last buckets closed)', async () => {
    const whole = await uninterrupted();
    expect(whole.flows).toBe(900);
    // Cut in the middle of a bucket: the saved last bucket is partial and gets the rest later.
    expect(await restarted(455, true)).toEqual(whole);
  });

  it('count every record once after a periodic save and a kill (open buckets not saved)', async () => {
    const whole = await uninterrupted();
    expect(await restarted(455, false)).toEqual(whole);
  });
});
