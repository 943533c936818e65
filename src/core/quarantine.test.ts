import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openQuarantine, reasonFamily } from './quarantine.ts';

describe('quarantine', () => {
  it('writes nothing when nothing is rejected', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sg-q-'));
    const q = openQuarantine(dir, 0);
    expect(q.summary()).toEqual({ total: 0, byReason: new Map(), file: null });
    q.close();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps every rejected record with file, line and reason', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sg-q-'));
    const q = openQuarantine(dir, Date.UTC(2026, 10, 20));
    q.add([
      { file: 'a.log', line: 3, reason: 'field-count', text: 'x y' },
      { file: 'a.log', line: 9, reason: 'bad-ip:srcaddr', text: '2 1 eni nope' },
      { file: 'b.log', line: 1, reason: 'bad-ip:dstaddr', text: 'z'.repeat(10_000) },
    ]);
    const s = q.summary();
    q.close();
    expect(s.total).toBe(3);
    expect(Object.fromEntries(s.byReason)).toEqual({ 'field-count': 1, 'bad-ip': 2 });
    const lines = readFileSync(s.file!, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.file, l.line, l.reason])).toEqual([
      ['a.log', 3, 'field-count'],
      ['a.log', 9, 'bad-ip:srcaddr'],
      ['b.log', 1, 'bad-ip:dstaddr'],
    ]);
    expect((lines[2]!.text as string).length).toBe(4096);
  });

  it('groups reasons by family', () => {
    expect(reasonFamily('bad-number:bytes')).toBe('bad-number');
    expect(reasonFamily('field-count')).toBe('field-count');
  });
});
