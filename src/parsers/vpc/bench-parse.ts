// Parse-only throughput of the VPC parser on default-format v2 lines (one core, in memory).
// Usage: node src/parsers/vpc/bench-parse.ts [records] [runs]. Not a test: timings vary with load.

import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeVpcFile } from '../../../bench/generate-vpc.ts';
import { VpcParser } from './parser.ts';

const records = Number(process.argv[2] ?? 2_000_000);
const runs = Number(process.argv[3] ?? 5);
const file = join(tmpdir(), `sakura-vpc-bench-${records}.log`);
if (!existsSync(file)) await writeVpcFile(file, { records, seed: 7 });
const data = readFileSync(file);
const CHUNK = 1 << 20;

const rates: number[] = [];
for (let run = 0; run < runs; run++) {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const parser = new VpcParser({ file });
  let rows = 0;
  let rejected = 0;
  for (let pos = 0; pos < data.length; pos += CHUNK) {
    const out = parser.push(data.subarray(pos, pos + CHUNK));
    for (const b of out.batches) rows += b.length;
    rejected += out.rejections.length;
  }
  const last = parser.end();
  for (const b of last.batches) rows += b.length;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  // CPU time, not wall time: other processes share the machine and steal wall time.
  rates.push(rows / (cpuMs / 1000));
  console.log(
    `run ${run + 1}: ${rows} rows, ${rejected} rejected, wall ${ms.toFixed(0)} ms, cpu ${cpuMs.toFixed(0)} ms, ` +
      `${(rows / (cpuMs / 1000) / 1e6).toFixed(2)} M rows/s per CPU second, ` +
      `${(data.length / (cpuMs / 1000) / 1e6).toFixed(0)} MB/s`,
  );
}
rates.sort((a, b) => a - b);
console.log(
  `per CPU second: median ${(rates[Math.floor(rates.length / 2)]! / 1e6).toFixed(2)} M rows/s, ` +
    `best ${(rates[rates.length - 1]! / 1e6).toFixed(2)} M rows/s`,
);
