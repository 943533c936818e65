import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../../core/ip.ts';
import { BAD, MAYBE_V6, MISSING, readIpv4, readUint, tokenEnd } from './bytes.ts';

/** Reads the first token of `text` and returns [value, text after the token]. */
function read(fn: typeof readUint, text: string): [number, string] {
  const buf = Buffer.from(text);
  const v = fn(buf, 0, buf.length);
  return [v, text.slice(tokenEnd)];
}

describe('readUint', () => {
  it.each([
    ['0', 0, ''],
    ['443 6', 443, ' 6'],
    ['999999999999999', 999999999999999, ''],
    ['- 1', MISSING, ' 1'],
    ['-', MISSING, ''],
    ['', BAD, ''],
    [' 5', BAD, ' 5'],
    ['1000000000000000', BAD, ''],
    ['12x4 5', BAD, ' 5'],
    ['-1', BAD, ''],
    ['--', BAD, ''],
    ['+1', BAD, ''],
  ])('%j -> %d', (text, value, rest) => {
    expect(read(readUint, text)).toEqual([value, rest]);
  });
});

describe('readIpv4', () => {
  it('agrees with core parseIpv4 on valid and invalid dotted quads', () => {
    const cases = [
      '0.0.0.0',
      '10.0.0.1',
      '255.255.255.255',
      '1.2.3.4',
      '256.1.1.1',
      '1.2.3',
      '1.2.3.4.5',
      '01.2.3.4',
      '1..2.3',
      '1.2.3.',
      '.1.2.3',
      '1.2.3.1000',
      '1.2.3.04',
      '1a.2.3.4',
    ];
    for (const t of cases) {
      const v = read(readIpv4, t)[0];
      const expected = parseIpv4(t);
      expect([t, v]).toEqual([t, expected < 0 ? BAD : expected]);
    }
  });

  it('stops at the space, reports `-` as missing and colons as possible IPv6', () => {
    expect(read(readIpv4, '192.168.0.1 10.0.0.1')).toEqual([parseIpv4('192.168.0.1'), ' 10.0.0.1']);
    expect(read(readIpv4, '- 1')).toEqual([MISSING, ' 1']);
    expect(read(readIpv4, '2001:db8::1 x')).toEqual([MAYBE_V6, ' x']);
    expect(read(readIpv4, '::ffff:1.2.3.4')).toEqual([MAYBE_V6, '']);
    expect(read(readIpv4, 'host.example x')).toEqual([BAD, ' x']);
  });
});
