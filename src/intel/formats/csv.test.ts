import { describe, expect, it } from 'vitest';
import { parseCsvList, splitCsvLine } from './csv.ts';

describe('splitCsvLine', () => {
  it('handles quotes, doubled quotes, separators inside quotes and empty fields', () => {
    expect(splitCsvLine('a,"b,c","d""e",,f', ',')).toEqual(['a', 'b,c', 'd"e', '', 'f']);
    expect(splitCsvLine('"unterminated,x', ',')).toBeNull();
    expect(splitCsvLine('1.2.3.4;x', ';')).toEqual(['1.2.3.4', 'x']);
  });
});

describe('parseCsvList', () => {
  it('finds the IP column by its header', () => {
    const text = [
      'first_seen,ip_address,port,malware',
      '2026-11-01,198.51.100.1,443,Emotet',
      '2026-11-02,"203.0.113.0/24",80,QakBot',
    ].join('\n');
    const r = parseCsvList(text, 'f.csv');
    expect(r.entries).toEqual(['198.51.100.1/32', '203.0.113.0/24']);
  });

  it('finds the IP column by content when the header says nothing', () => {
    const text = [
      'when,who,what',
      '2026-11-01,x,198.51.100.1',
      '2026-11-02,y,2001:db8::5',
      '2026-11-03,z,not-an-ip',
    ].join('\n');
    const r = parseCsvList(text, 'f.csv');
    expect(r.entries).toEqual(['198.51.100.1/32', '2001:db8::5/128']);
    expect(r.rejections.map((x) => [x.line, x.reason])).toEqual([[4, 'bad-ip']]);
  });

  it('works without a header and with the abuse.ch commented header', () => {
    expect(parseCsvList('198.51.100.1,evil\n198.51.100.2,evil', 'f').entries).toEqual([
      '198.51.100.1/32',
      '198.51.100.2/32',
    ]);
    const feodo = [
      '################',
      '# Feodo Tracker',
      '# "first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"',
      '"2026-11-01 10:00:00","192.0.2.10","443","online","2026-11-22","QakBot"',
    ].join('\n');
    expect(parseCsvList(feodo, 'f').entries).toEqual(['192.0.2.10/32']);
  });

  it('skips rows whose indicator type is not an address (OTX export)', () => {
    const text = [
      'Indicator type,Indicator,Description',
      'IPv4,198.51.100.9,c2',
      'domain,evil.example,phish',
      'URL,http://x/,dl',
      'CIDR,203.0.113.0/25,net',
      'IPv4,300.0.0.1,typo',
    ].join('\n');
    const r = parseCsvList(text, 'otx.csv');
    expect(r.entries).toEqual(['198.51.100.9/32', '203.0.113.0/25']);
    expect(r.skipped).toEqual({ 'indicator-type:domain': 1, 'indicator-type:url': 1 });
    expect(r.rejections.map((x) => [x.line, x.reason])).toEqual([[6, 'bad-ip']]);
  });

  it('rejects broken quoting and missing values, and everything when no column holds IPs', () => {
    const r = parseCsvList('ip,name\n198.51.100.1,a\n"198.51.100.2,b\n,c', 'f.csv');
    expect(r.entries).toEqual(['198.51.100.1/32']);
    expect(r.rejections.map((x) => [x.line, x.reason])).toEqual([
      [3, 'bad-csv'],
      [4, 'missing-ip'],
    ]);
    const none = parseCsvList('name,score\nx,1\ny,2', 'f.csv');
    expect(none.entries).toEqual([]);
    expect(none.rejections).toHaveLength(2);
  });
});
