import { describe, expect, it } from 'vitest';
import { parseDropList } from './drop.ts';

describe('parseDropList', () => {
  it('reads the legacy text form', () => {
    const text = [
      '; Spamhaus DROP List 2026/11/23 - (c) 2026 The Spamhaus Project',
      '; Last-Modified: Mon, 23 Nov 2026 10:00:00 GMT',
      '1.10.16.0/20 ; SBL256894',
      '1.19.0.0/16 ; SBL434604',
      '2.56.192.0/22;SBL459831',
    ].join('\r\n');
    const r = parseDropList(text, 'drop.txt');
    expect(r.format).toBe('drop');
    expect(r.entries).toEqual(['1.10.16.0/20', '1.19.0.0/16', '2.56.192.0/22']);
    expect(r.rejections).toEqual([]);
  });

  it('reads NDJSON v4 and v6 with the trailing metadata line and rejects broken records', () => {
    const text = [
      '{"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}',
      '{"cidr":"2001:678:738::/48","sblid":"SBL1","rir":"ripencc"}',
      '{"cidr":"1.2.3.0/33","sblid":"SBL2"}',
      '{"sblid":"SBL3"}',
      '{"cidr":"1.2.',
      '[1,2]',
      '{"type":"metadata","timestamp":1700000000,"size":2,"records":2,"copyright":"(c) Spamhaus"}',
      '',
    ].join('\n');
    const r = parseDropList(text, 'drop_v4.json');
    expect(r.entries).toEqual(['1.10.16.0/20', '2001:678:738::/48']);
    expect(r.rejections.map((x) => [x.line, x.reason])).toEqual([
      [3, 'bad-prefix'],
      [4, 'no-cidr'],
      [5, 'bad-json'],
      [6, 'bad-ip'],
    ]);
  });
});
