// Splits a VPC text file into gzipped files in AWS's S3 layout (one per "hour"), each with the
// header line, as flow logs arrive from S3. Cached: an existing set is reused.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export function makeGzipSet(source: string, dir: string, files = 8): string {
  const root = path.join(dir, 'AWSLogs', '123456789012', 'vpcflowlogs', 'ap-northeast-1', '2025', '11', '20');
  const done = path.join(dir, '.complete');
  if (existsSync(done)) return dir;
  mkdirSync(root, { recursive: true });
  const text = readFileSync(source, 'latin1');
  const firstNl = text.indexOf('\n');
  const header = text.slice(0, firstNl);
  const body = text.slice(firstNl + 1);
  const per = Math.ceil(body.length / files);
  let pos = 0;
  for (let i = 0; i < files && pos < body.length; i++) {
    let end = Math.min(body.length, pos + per);
    const nl = body.indexOf('\n', end - 1);
    end = nl < 0 ? body.length : nl + 1;
    const name = `123456789012_vpcflowlogs_ap-northeast-1_fl-0bench_20251120T${String(i).padStart(2, '0')}00Z_bench.log.gz`;
    writeFileSync(
      path.join(root, name),
      gzipSync(Buffer.from(`${header}\n${body.slice(pos, end)}`, 'latin1')),
    );
    pos = end;
  }
  writeFileSync(done, '');
  return dir;
}
