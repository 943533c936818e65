import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openQuarantine } from './quarantine.ts';
import { readQuarantine } from './quarantine-report.ts';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'sg-qreport-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const bad = (file: string, line: number, reason: string) => ({ file, line, reason, text: 'x' });

describe('readQuarantine', () => {
  it('counts rejected lines by input and reason family, newest time per input', () => {
    const dir = tempDir();
    const q1 = openQuarantine(dir, Date.parse('2026-11-20T00:00:00Z'));
    q1.add([
      bad('a.log', 1, 'bad-ip:srcaddr'),
      bad('a.log', 2, 'bad-ip:dstaddr'),
      bad('b.log', 1, 'field-count'),
    ]);
    q1.close();
    const q2 = openQuarantine(dir, Date.parse('2026-11-21T00:00:00Z'));
    q2.add([bad('a.log', 9, 'field-count')]);
    q2.close();
    return expect(readQuarantine(dir)).resolves.toEqual({
      total: 4,
      files: 2,
      unreadable: 0,
      truncated: false,
      inputs: [
        {
          input: 'a.log',
          lines: 3,
          byReason: { 'bad-ip': 2, 'field-count': 1 },
          last: '2026-11-21T00:00:00.000Z',
        },
        { input: 'b.log', lines: 1, byReason: { 'field-count': 1 }, last: '2026-11-20T00:00:00.000Z' },
      ],
    });
  });

  it('counts damaged lines apart and stops at the line limit', async () => {
    const dir = tempDir();
    const q = openQuarantine(dir, 0);
    q.add([bad('a.log', 1, 'r'), bad('a.log', 2, 'r'), bad('a.log', 3, 'r')]);
    const file = q.summary().file ?? '';
    q.close();
    appendFileSync(file, 'not json\n{"file":1}\n');
    const all = await readQuarantine(dir);
    expect(all).toMatchObject({ total: 3, unreadable: 2, truncated: false });
    const some = await readQuarantine(dir, { maxFiles: 10, maxLines: 2 });
    expect(some).toMatchObject({ total: 2, truncated: true });
  });

  it('is empty without a quarantine directory', async () => {
    expect(await readQuarantine(tempDir())).toEqual({
      total: 0,
      files: 0,
      inputs: [],
      unreadable: 0,
      truncated: false,
    });
  });
});
