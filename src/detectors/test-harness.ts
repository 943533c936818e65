// Test helper: runs the whole pipeline over test flows and returns the findings.

import { manualClock } from '../core/clock.ts';
import { createDetectionPipeline } from '../engine/pipeline.ts';
import { noAssets, noIntel, type IntelLookup } from '../engine/lookups.ts';
import { batchOf, type TestFlow } from '../engine/test-flows.ts';
import type { Finding } from '../findings/finding.ts';
import { createMemoryFindingStore } from '../findings/memory-store.ts';

export const T0 = 1_795_400_000;

export async function detect(
  flows: readonly TestFlow[],
  config: unknown = {},
  intel: IntelLookup = noIntel,
): Promise<Finding[]> {
  const store = createMemoryFindingStore();
  const p = createDetectionPipeline({
    config,
    intel,
    assets: noAssets,
    findingStore: store,
    clock: manualClock(0),
  });
  await p.onFlows(batchOf([...flows].sort((a, b) => a.t - b.t)));
  await p.finish();
  return store.list();
}

export function repeat(n: number, make: (k: number) => TestFlow): TestFlow[] {
  return Array.from({ length: n }, (_, k) => make(k));
}
