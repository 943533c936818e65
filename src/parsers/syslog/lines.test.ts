import { describe, expect, it } from 'vitest';
import type { Rejection } from '../../core/records.ts';
import { LineSplitter } from './lines.ts';

describe('LineSplitter', () => {
  it('joins lines split across chunks, strips CR and numbers lines', () => {
    const s = new LineSplitter();
    const rej: Rejection[] = [];
    const a = s.push(Buffer.from('one\r\ntw'), rej);
    const b = s.push(Buffer.from('o\n\nthree'), rej);
    const c = s.end(rej);
    expect([...a, ...b, ...c]).toEqual([
      { text: 'one', line: 1 },
      { text: 'two', line: 2 },
      { text: '', line: 3 },
      { text: 'three', line: 4 },
    ]);
    expect(rej).toEqual([]);
  });

  it('rejects a giant line once without holding it, and keeps the lines around it', () => {
    const s = new LineSplitter({ file: 'f', maxLineBytes: 16 });
    const rej: Rejection[] = [];
    const out = [...s.push(Buffer.from('ok\n' + 'x'.repeat(10)), rej)];
    for (let i = 0; i < 1000; i++) out.push(...s.push(Buffer.alloc(1000, 0x41), rej));
    out.push(...s.push(Buffer.from('tail\nnext\n'), rej));
    out.push(...s.end(rej));
    expect(out).toEqual([
      { text: 'ok', line: 1 },
      { text: 'next', line: 3 },
    ]);
    expect(rej).toHaveLength(1);
    expect(rej[0]).toMatchObject({ file: 'f', line: 2, reason: 'line-too-long' });
    expect(rej[0]!.text.length).toBeLessThanOrEqual(4096);
  });

  it('rejects a line that arrives whole in one chunk above the bound', () => {
    const s = new LineSplitter({ maxLineBytes: 4 });
    const rej: Rejection[] = [];
    expect(s.push(Buffer.from('abcdefgh\nab\n'), rej)).toEqual([{ text: 'ab', line: 2 }]);
    expect(rej.map((r) => r.line)).toEqual([1]);
  });
});
