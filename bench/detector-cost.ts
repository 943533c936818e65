// CPU cost of each detector over the bench's generated VPC records: the pipeline with no
// detector (annotation, watermark, findings stage), then with one detector at a time, then with
// all. CPU time of this single thread (process.cpuUsage), best of `rounds`: steadier than wall
// time on a shared machine. Parsing is done once beforehand and not counted.
//   node bench/detector-cost.ts [vpc-file] [records] [rounds] [detector ids and/or "all", comma-separated]

import { readFileSync } from 'node:fs';
import { manualClock } from '../src/core/clock.ts';
import type { FlowBatch } from '../src/core/flow.ts';
import { detectors } from '../src/detectors/index.ts';
import { noAssets, noIntel } from '../src/engine/lookups.ts';
import { createDetectionPipeline } from '../src/engine/pipeline.ts';
import { createMemoryFindingStore } from '../src/findings/memory-store.ts';
import { parseVpcBuffer } from '../src/parsers/vpc/parser.ts';

/** Records of the first `records` lines (after the header) of a VPC file, parsed. */
export function parseHead(file: string, records: number): FlowBatch[] {
  const buf = readFileSync(file);
  let end = 0;
  for (let lines = 0; lines <= records && end < buf.length; lines++) {
    const nl = buf.indexOf(10, end);
    end = nl < 0 ? buf.length : nl + 1;
  }
  return parseVpcBuffer(buf.subarray(0, end), { file }).batches;
}

/** CPU milliseconds of the pipeline over `batches` with only `enabled` detectors on. */
export async function pipelineCpuMs(
  batches: readonly FlowBatch[],
  enabled: readonly string[],
): Promise<{ ms: number; findings: number }> {
  const store = createMemoryFindingStore();
  const pipeline = createDetectionPipeline({
    config: { disabled: detectors.map((d) => d.id).filter((id) => !enabled.includes(id)) },
    intel: noIntel,
    assets: noAssets,
    findingStore: store,
    clock: manualClock(0),
  });
  const c0 = process.cpuUsage();
  for (const b of batches) await pipeline.onFlows(b);
  const r = await pipeline.finish();
  const c = process.cpuUsage(c0);
  return { ms: (c.user + c.system) / 1000, findings: r.findingsNew };
}

async function best(rounds: number, f: () => Promise<{ ms: number; findings: number }>) {
  let out = await f();
  for (let i = 1; i < rounds; i++) {
    const r = await f();
    if (r.ms < out.ms) out = r;
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2] ?? '.bench/vpc-2000000.log';
  const records = Number(process.argv[3] ?? 500_000);
  const rounds = Number(process.argv[4] ?? 3);
  const only = process.argv[5]?.split(',');
  const batches = parseHead(file, records);
  let n = 0;
  for (const b of batches) n += b.length;
  await pipelineCpuMs(batches, []); // warm-up: the first run also compiles the engine
  const bare = await best(rounds, () => pipelineCpuMs(batches, []));
  console.log(`${n} records of ${file}, CPU ms, best of ${rounds}`);
  console.log(`no detector: ${bare.ms.toFixed(0)} ms`);
  for (const d of detectors) {
    if (only !== undefined && !only.includes(d.id)) continue;
    const r = await best(rounds, () => pipelineCpuMs(batches, [d.id]));
    console.log(`${d.id}: +${(r.ms - bare.ms).toFixed(0)} ms (${r.findings} findings)`);
  }
  if (only === undefined || only.includes('all')) {
    const all = await best(rounds, () =>
      pipelineCpuMs(
        batches,
        detectors.map((d) => d.id),
      ),
    );
    console.log(
      `all: +${(all.ms - bare.ms).toFixed(0)} ms (${all.findings} findings), x${(all.ms / bare.ms).toFixed(2)}`,
    );
  }
}
