import { describe, expect, it } from 'vitest';
import { parseTxtList } from './txt.ts';

describe('parseTxtList', () => {
  it('reads IPs and CIDRs with comments, blanks, duplicates and IPv6', () => {
    const text = [
      '# a comment',
      '; another',
      '',
      '198.51.100.1',
      '203.0.113.0/24 # trailing',
      '203.0.113.7 ; inside the /24, kept as its own entry',
      '2001:db8::/32',
      '2001:DB8:0::/32',
      '198.51.100.1',
      '198.51.100.2 2026-11-01 score=9',
      '\t192.0.2.1\t',
    ].join('\n');
    const r = parseTxtList(text, 'list.txt');
    expect(r.entries).toEqual([
      '198.51.100.1/32',
      '203.0.113.0/24',
      '203.0.113.7/32',
      '2001:db8::/32',
      '198.51.100.2/32',
      '192.0.2.1/32',
    ]);
    expect(r.duplicates).toBe(2);
    expect(r.v4).toBe(5);
    expect(r.v6).toBe(1);
    expect(r.rejections).toEqual([]);
  });

  it('rejects bad lines with file, line and reason and keeps the good ones', () => {
    const text = [
      '1.2.3.4',
      '1.2.3.999',
      'evil.example.com',
      '10.0.0.0/40',
      '\u0000\u0001binary',
      '5.6.7.8',
    ].join('\n');
    const r = parseTxtList(text, 'bad.txt');
    expect(r.entries).toEqual(['1.2.3.4/32', '5.6.7.8/32']);
    expect(r.rejections.map((x) => [x.file, x.line, x.reason])).toEqual([
      ['bad.txt', 2, 'bad-ip'],
      ['bad.txt', 3, 'bad-ip'],
      ['bad.txt', 4, 'bad-prefix'],
      ['bad.txt', 5, 'bad-ip'],
    ]);
  });

  it('survives a huge single line', () => {
    const r = parseTxtList(`1.1.1.1\n${'9'.repeat(5_000_000)}\n2.2.2.2`, 'huge.txt');
    expect(r.entries).toEqual(['1.1.1.1/32', '2.2.2.2/32']);
    expect(r.rejections[0]).toMatchObject({ line: 2, reason: 'line-too-long' });
  });
});
