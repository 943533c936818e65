// Test helper: imports files through the real file inputs (sniffing, parsers) into the whole
// detection pipeline, without a store, and returns the findings.

import { manualClock } from '../core/clock.ts';
import type { Quarantine } from '../core/quarantine.ts';
import type { Rejection } from '../core/records.ts';
import { createDetectionPipeline } from '../engine/pipeline.ts';
import { noAssets, noIntel } from '../engine/lookups.ts';
import type { Finding } from '../findings/finding.ts';
import { createMemoryFindingStore } from '../findings/memory-store.ts';
import { runIngest, type IngestCounts } from '../ingest/ingest.ts';
import { openFlowInputs } from '../sources/files.ts';

export interface FileDetection {
  findings: Finding[];
  counts: IngestCounts;
  rejections: Rejection[];
}

export async function detectFiles(
  paths: readonly string[],
  config: unknown = {},
  lineFormat?: string,
): Promise<FileDetection> {
  const store = createMemoryFindingStore();
  const pipeline = createDetectionPipeline({
    config,
    intel: noIntel,
    assets: noAssets,
    findingStore: store,
    clock: manualClock(0),
  });
  const rejections: Rejection[] = [];
  const quarantine: Quarantine = {
    add: (r) => void rejections.push(...r),
    summary: () => ({ total: rejections.length, byReason: new Map(), file: null }),
    close: () => undefined,
  };
  const counts = await runIngest(openFlowInputs(paths, lineFormat === undefined ? {} : { lineFormat }), {
    sink: { appendFlows: async () => {}, appendGaps: async () => {}, appendEvents: async () => {} },
    quarantine,
    observers: [pipeline],
    clock: manualClock(0),
  });
  await pipeline.finish();
  return { findings: await store.list(), counts, rejections };
}
