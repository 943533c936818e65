import { describe, expect, it } from 'vitest';
import { canonicalIpv6 } from '../../core/ip.ts';
import { Interner } from './intern.ts';

describe('Interner', () => {
  it('returns the decoded token, reading up to the next space', () => {
    const strings = new Interner();
    const buf = Buffer.from('eni-0a1b2c 123456789012 x');
    expect(strings.token(buf, 0, buf.length)).toBe('eni-0a1b2c');
    expect(strings.end).toBe(10);
    expect(strings.token(buf, 11, buf.length)).toBe('123456789012');
    expect(strings.token(buf, 24, buf.length)).toBe('x');
    expect(strings.end).toBe(buf.length);
  });

  it('keeps every value right past its capacity (it starts over, bounded)', () => {
    const strings = new Interner();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 40_000; i++) {
        const text = `eni-${i.toString(16).padStart(17, '0')}`;
        const buf = Buffer.from(`${text} tail`);
        expect(strings.token(buf, 0, buf.length)).toBe(text);
      }
    }
  });

  it('applies the transform once per distinct key and remembers a rejection as null', () => {
    let calls = 0;
    const addresses = new Interner((raw) => {
      calls++;
      return canonicalIpv6(raw);
    });
    const a = Buffer.from('2001:DB8:0:0:0:0:0:1');
    const bad = Buffer.from('2001:db8::1::2');
    expect(addresses.get(a, 0, a.length)).toBe('2001:db8::1');
    expect(addresses.get(a, 0, a.length)).toBe('2001:db8::1');
    expect(addresses.get(bad, 0, bad.length)).toBeNull();
    expect(addresses.get(bad, 0, bad.length)).toBeNull();
    expect(calls).toBe(2);
  });

  it('with a memo, checks the previous token of that column first and still reads a new one', () => {
    const strings = new Interner();
    const buf = Buffer.from('acct-1 eni-a acct-1 eni-b acct-10 eni-b acct-1 eni-');
    const read = (start: number, memo: number): [string | null, number] => [
      strings.token(buf, start, buf.length, memo),
      strings.end,
    ];
    expect(read(0, 1)).toEqual(['acct-1', 6]);
    expect(read(7, 2)).toEqual(['eni-a', 12]);
    expect(read(13, 1)).toEqual(['acct-1', 19]);
    expect(read(20, 2)).toEqual(['eni-b', 25]);
    // a longer token that starts with the remembered one is a different value
    expect(read(26, 1)).toEqual(['acct-10', 33]);
    expect(read(34, 2)).toEqual(['eni-b', 39]);
    expect(read(40, 1)).toEqual(['acct-1', 46]);
    // a shorter one at the end of the line, too
    expect(read(47, 2)).toEqual(['eni-', 51]);
  });

  it('keeps memo answers right after it starts over', () => {
    const strings = new Interner();
    for (let i = 0; i < 40_000; i++) {
      const text = `eni-${i.toString(16).padStart(17, '0')}`;
      const buf = Buffer.from(`${text} 123456789012`);
      expect(strings.token(buf, 0, buf.length, 0)).toBe(text);
      expect(strings.token(buf, text.length + 1, buf.length, 1)).toBe('123456789012');
    }
  });

  it('decodes tokens longer than the key limit without storing them', () => {
    const strings = new Interner();
    const long = `arn:aws:ecs:${'x'.repeat(400)}`;
    const buf = Buffer.from(long);
    expect(strings.get(buf, 0, buf.length)).toBe(long);
  });
});
