import { describe, expect, it } from 'vitest';
import { parseTorList } from './tor.ts';

describe('parseTorList', () => {
  it('reads exit-addresses blocks, several addresses per relay, and bare IPs', () => {
    const text = [
      'ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E',
      'Published 2026-11-22 18:21:47',
      'LastStatus 2026-11-23 06:00:00',
      'ExitAddress 162.247.74.201 2026-11-23 06:12:44',
      'ExitNode 00C4B4731658D3B4987132A3F77100CFCB190D97',
      'Published 2026-11-22 23:00:00',
      'LastStatus 2026-11-23 07:00:00',
      'ExitAddress 185.220.101.1 2026-11-23 07:02:00',
      'ExitAddress 2a0b:f4c2::1 2026-11-23 07:02:00',
      'ExitAddress 185.220.101.1 2026-11-23 08:02:00',
      '171.25.193.25',
    ].join('\n');
    const r = parseTorList(text, 'exit-addresses');
    expect(r.entries).toEqual([
      '162.247.74.201/32',
      '185.220.101.1/32',
      '2a0b:f4c2::1/128',
      '171.25.193.25/32',
    ]);
    expect(r.duplicates).toBe(1);
    expect(r.rejections).toEqual([]);
  });

  it('rejects unknown keywords and bad addresses', () => {
    const r = parseTorList(
      'ExitAddress 300.1.1.1 2026-11-23 06:12:44\nExitAddress\nRouter x\nExitAddress 1.1.1.1 x',
      't',
    );
    expect(r.entries).toEqual(['1.1.1.1/32']);
    expect(r.rejections.map((x) => [x.line, x.reason])).toEqual([
      [1, 'bad-ip'],
      [2, 'missing-address'],
      [3, 'unknown-keyword'],
    ]);
  });
});
