import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { generateVpc } from './vpc-generator.ts';
import { writeGeneratedVpc } from './write.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sg-gen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeGeneratedVpc', () => {
  it('splits every line into per-interface hourly gzip files with a header, and writes the lists', () => {
    const files = writeGeneratedVpc(dir, { seed: 3, hours: 1, version: 2 });
    const lines = files.flowFiles.flatMap((f) => gunzipSync(readFileSync(f)).toString().trim().split('\n'));
    const headers = lines.filter((l) => l.startsWith('version'));
    expect(headers).toHaveLength(files.flowFiles.length);
    expect(lines.length - headers.length).toBe(generateVpc({ seed: 3, hours: 1, version: 2 }).lines.length);
    expect(readFileSync(files.labels, 'utf8')).toMatch(/^attack,type,actor,resource,start,end\n/);
    expect(readFileSync(files.trustedList, 'utf8').trim().split('\n')).toHaveLength(2);
  });
});
