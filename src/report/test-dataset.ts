// A small generated data directory for the report tests: two hours of VPC flow logs with attacks
// (the demo's generator) dated yesterday, one malformed line, imported by the real `ingest` command.

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCaptured } from '../cli/run-captured.ts';
import { generateVpc, vpcHeader } from '../generate/vpc-generator.ts';

export interface TestDataset {
  dataDir: string;
  flowLines: number;
  /** Yesterday (UTC, YYYY-MM-DD): the traffic covers its first two hours. */
  day: string;
  /** Today: the import, and so its quarantined line, happened today. */
  today: string;
}

/** The traffic is dated yesterday so that a period holds both it and today's import. */
export async function makeTestDataset(dir: string, nowMs = Date.now()): Promise<TestDataset> {
  const todayStart = Math.floor(nowMs / 86_400_000) * 86_400;
  const start = todayStart - 86_400;
  const g = generateVpc({ seed: 7, hours: 2, startTime: start, version: 5, fleet: 5 });
  const file = path.join(dir, 'flows.log');
  await writeFile(file, `${vpcHeader(5)}\n${g.lines.join('\n')}\nthis line is not a flow record\n`);
  const dataDir = path.join(dir, 'data');
  const r = await runCaptured(['--data-dir', dataDir, 'ingest', file], { env: {} });
  if (r.code !== 0) throw new Error(`ingest failed (${r.code}): ${r.err}`);
  const day = (s: number): string => new Date(s * 1000).toISOString().slice(0, 10);
  return { dataDir, flowLines: g.lines.length, day: day(start), today: day(todayStart) };
}
