// Wall-clock jumps under live detection: records drive the windows (event time); the injected
// clock only moves the watermark while input is idle (tick). A clock that jumps back, or jumps
// ahead while idle, must not lose or duplicate a finding: the findings equal those of the same
// input with a steady clock. Not guaranteed (docs/reliability.md): a clock that jumps ahead
// while records keep coming closes their windows early, and records older than the watermark it
// set are counted as late and not detected (they are still stored).

import { describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { createMemoryFindingStore } from '../findings/memory-store.ts';
import { createDetectionPipeline } from './pipeline.ts';
import { noAssets, noIntel } from './lookups.ts';
import { batchOf, type TestFlow } from './test-flows.ts';

const T0 = 1_795_400_000;

/** A port scan from `src`, `ports` ports from `first` on, one a second from `t`. */
const scan = (src: string, t: number, first: number, ports: number): TestFlow[] =>
  Array.from({ length: ports }, (_, i) => ({
    t: t + i,
    src,
    dst: '10.0.1.5',
    sport: 51_000,
    dport: first + i,
    action: 'reject' as const,
  }));

/** Feeds the steps (records, or a clock setting followed by a tick) and returns the findings. */
async function run(steps: ({ flows: TestFlow[] } | { clock: number })[]) {
  const clock = manualClock(T0 * 1000);
  const store = createMemoryFindingStore();
  const p = createDetectionPipeline({
    config: {},
    intel: noIntel,
    assets: noAssets,
    findingStore: store,
    clock,
  });
  for (const s of steps) {
    if ('flows' in s) await p.onFlows(batchOf(s.flows));
    else {
      clock.set(s.clock * 1000);
      await p.tick();
    }
  }
  await p.finish();
  return (await store.list())
    .map((f) => ({ id: f.id, type: f.type, count: f.count }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

const A = '203.0.113.21';
const B = '203.0.113.22';

describe('clock jumps', () => {
  it('a clock that jumps back mid-scan changes no finding', async () => {
    const steady = await run([
      { flows: scan(A, T0 + 60, 1, 10) },
      { clock: T0 + 80 },
      { flows: scan(A, T0 + 90, 11, 20) },
      { clock: T0 + 120 },
      { flows: scan(B, T0 + 130, 1, 30) },
    ]);
    const jumped = await run([
      { flows: scan(A, T0 + 60, 1, 10) },
      { clock: T0 - 86_400 }, // a day back
      { flows: scan(A, T0 + 90, 11, 20) },
      { clock: T0 - 3_600 },
      { flows: scan(B, T0 + 130, 1, 30) },
    ]);
    expect(steady.length).toBeGreaterThanOrEqual(2);
    expect(jumped).toEqual(steady);
  });

  it('a clock that jumps ahead while input is idle closes windows early, without loss or repeats', async () => {
    const input = [{ flows: scan(A, T0 + 60, 1, 30) }, { flows: scan(B, T0 + 100, 1, 30) }];
    const steady = await run(input);
    const jumped = await run([
      ...input,
      { clock: T0 + 7 * 86_400 }, // a week ahead: every open window closes now
      { clock: T0 + 120 }, // and back
      { clock: T0 + 7 * 86_400 + 5 },
    ]);
    expect(steady).toHaveLength(2);
    expect(jumped).toEqual(steady);
  });
});
