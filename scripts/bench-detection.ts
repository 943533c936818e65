// Detection cost in isolation: feeds N synthetic flow records (each from a distinct internet
// address by default: the worst case for per-key state) through the pipeline with all detectors,
// and with none (the engine's per-row work only), and prints records/s and peak memory.
//   node --expose-gc scripts/bench-detection.ts [records] [distinct|repeat]
// Not a unit test and not the product benchmark (`npm run bench`), which the integrator owns.

import { manualClock } from '../src/core/clock.ts';
import { createFlowBatch } from '../src/core/flow.ts';
import { detectors } from '../src/detectors/index.ts';
import { createDetectionPipeline } from '../src/engine/pipeline.ts';
import { noAssets, noIntel } from '../src/engine/lookups.ts';
import { createMemoryFindingStore } from '../src/findings/memory-store.ts';

const N = Number(process.argv[2] ?? 1_000_000);
const distinct = (process.argv[3] ?? 'distinct') === 'distinct';
const gc = (globalThis as { gc?: () => void }).gc;
const memory = (): number => {
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

async function run(disabled: string[]): Promise<{ perSecond: number; peakMiB: number; state: number }> {
  const pipeline = createDetectionPipeline({
    config: { disabled },
    intel: noIntel,
    assets: noAssets,
    findingStore: createMemoryFindingStore(),
    clock: manualClock(0),
  });
  const b = createFlowBatch(8192);
  const t0s = 1_795_400_000;
  const base = memory();
  let peak = 0;
  let state = 0;
  const start = performance.now();
  let elapsed = 0;
  for (let i = 0; i < N;) {
    b.length = 0;
    for (let j = 0; j < 8192 && i < N; j++, i++) {
      b.start[j] = t0s + (i / N) * 600;
      b.end[j] = b.start[j]! + 60;
      b.srcIp4[j] = distinct ? (0x0b000000 + i) >>> 0 : 0x0b000001 + (i % 5000);
      b.dstIp4[j] = 0x0a000000 + (i % 50);
      b.srcPort[j] = 30000 + (i % 30000);
      b.dstPort[j] = [22, 443, 80, 3389, 8080][i % 5]!;
      b.proto[j] = 6;
      b.packets[j] = 1 + (i % 3);
      b.bytes[j] = 60 * b.packets[j]!;
      b.action[j] = i % 2 ? 1 : 2;
      b.tcpFlags[j] = 2;
      b.resource[j] = 'eni-1';
      b.length++;
    }
    const t = performance.now();
    await pipeline.onFlows(b);
    elapsed += performance.now() - t;
    if ((i & 0x3ffff) < 8192) {
      peak = Math.max(peak, memory() - base);
      state = Math.max(
        state,
        Object.values(pipeline.stats().state).reduce((a, x) => a + x, 0),
      );
    }
  }
  peak = Math.max(peak, memory() - base);
  await pipeline.finish();
  void start;
  return { perSecond: Math.round(N / (elapsed / 1000)), peakMiB: Math.round(peak / 1048576), state };
}

const none = await run(detectors.map((d) => d.id));
const all = await run([]);
console.log(`${N} records, ${distinct ? 'each from a distinct address' : '5000 repeating addresses'}`);
console.log(`engine only (annotate, watermark): ${none.perSecond} records/s, peak +${none.peakMiB} MiB`);
console.log(`all detectors: ${all.perSecond} records/s, peak +${all.peakMiB} MiB, state keys ${all.state}`);
console.log(`detection cost per record: ${(1e6 / all.perSecond).toFixed(2)} us`);
