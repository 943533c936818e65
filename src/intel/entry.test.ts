import { describe, expect, it } from 'vitest';
import { ListCollector, eachLine, normaliseEntry, stripComment } from './entry.ts';

describe('normaliseEntry', () => {
  it.each([
    ['198.51.100.7', '198.51.100.7/32'],
    [' 198.51.100.7/32 ', '198.51.100.7/32'],
    ['198.51.100.77/24', '198.51.100.0/24'],
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['2001:DB8::1', '2001:db8::1/128'],
    ['2001:db8:0:0:1::/48', '2001:db8::/48'],
    ['::ffff:192.0.2.1', '::ffff:c000:201/128'],
  ])('%s -> %s', (input, expected) => {
    expect(normaliseEntry(input)).toEqual({
      ok: true,
      cidr: expected,
      family: expected.includes(':') ? 6 : 4,
    });
  });

  it.each([
    ['1.2.3.256', 'bad-ip'],
    ['1.2.3', 'bad-ip'],
    ['01.2.3.4', 'bad-ip'],
    ['example.com', 'bad-ip'],
    ['1.2.3.4/33', 'bad-prefix'],
    ['1.2.3.4/', 'bad-prefix'],
    ['1.2.3.4/-1', 'bad-prefix'],
    ['1.2.3.4/24/1', 'bad-prefix'],
    ['2001:db8::/129', 'bad-prefix'],
    ['0.0.0.0/0', 'prefix-too-broad'],
    ['1.0.0.0/4', 'prefix-too-broad'],
    ['::/0', 'prefix-too-broad'],
    ['2001:db8::g', 'bad-ip'],
    ['', 'bad-ip'],
  ])('rejects %s (%s)', (input, reason) => {
    expect(normaliseEntry(input)).toEqual({ ok: false, reason });
  });
});

describe('stripComment and eachLine', () => {
  it('removes # and ; comments wherever they start', () => {
    expect(stripComment('1.2.3.4 # note')).toBe('1.2.3.4');
    expect(stripComment('1.2.3.0/24 ; SBL1 # x')).toBe('1.2.3.0/24');
    expect(stripComment('; header')).toBe('');
  });

  it('numbers lines from 1, handles CRLF and a BOM, and rejects huge lines', () => {
    const c = new ListCollector('f');
    const seen: [string, number][] = [];
    eachLine(`\ufeffa\r\nb\n${'x'.repeat(100_000)}\nc`, c, (l, n) => seen.push([l, n]));
    expect(seen).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 4],
    ]);
    expect(c.rejections).toHaveLength(1);
    expect(c.rejections[0]).toMatchObject({ file: 'f', line: 3, reason: 'line-too-long' });
    expect(c.rejections[0]!.text.length).toBe(4096);
  });
});
