import { describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors.ts';
import { detectListFormat, parseFormatChoice, parseList } from './index.ts';

describe('detectListFormat', () => {
  it.each([
    ['1.2.3.4\n5.6.7.8\n', 'x.txt', 'txt'],
    ['# comment, with comma\n1.2.3.4\n', 'x', 'txt'],
    ['; Spamhaus DROP\n1.10.16.0/20 ; SBL256894\n', 'drop.txt', 'drop'],
    ['{"cidr":"1.10.16.0/20","sblid":"SBL1","rir":"apnic"}\n', 'drop_v4.json', 'drop'],
    ['{"type":"bundle","objects":[]}', 'b.json', 'stix'],
    ['\ufeff[\n{"type":"indicator"}]', 'b.json', 'stix'],
    [
      'ExitNode ABC\nPublished 2026-11-22 10:00:00\nExitAddress 1.2.3.4 2026-11-22 10:00:00\n',
      'exit-addresses',
      'tor',
    ],
    ['ip,name\n1.2.3.4,a\n', 'list', 'csv'],
    ['1.2.3.4\n', 'list.csv', 'csv'],
  ])('%j is %s', (text, file, format) => {
    expect(detectListFormat(text, file)).toBe(format);
  });
});

describe('parseFormatChoice and parseList', () => {
  it('accepts known formats and refuses others with a hint', () => {
    expect(parseFormatChoice('STIX')).toBe('stix');
    expect(() => parseFormatChoice('xml')).toThrow(UserError);
  });

  it('honours an explicit format over detection', () => {
    const text = 'ip,x\n1.2.3.4,y\n';
    expect(parseList(text, 'f', 'auto', { nowMs: 0 }).entries).toEqual(['1.2.3.4/32']);
    expect(parseList(text, 'f', 'txt', { nowMs: 0 }).rejections[0]!.reason).toBe('bad-ip');
  });
});
