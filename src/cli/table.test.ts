import { describe, expect, it } from 'vitest';
import { renderCsv, renderJson, renderTable } from './table.ts';

const rs = {
  columns: ['dst_ip', 'bytes', 'note'],
  rows: [
    ['10.0.0.1', 1234, 'a,b'],
    ['2001:db8::1', 5, null],
  ],
};

describe('result rendering', () => {
  it('aligns a table with numbers on the right', () => {
    expect(renderTable(rs)).toBe(
      [
        'dst_ip       bytes  note',
        '-----------  -----  ----',
        '10.0.0.1      1234  a,b',
        '2001:db8::1      5',
        '(2 rows)',
        '',
      ].join('\n'),
    );
  });
  it('escapes control characters so a hostile value cannot rewrite the terminal', () => {
    expect(renderTable({ columns: ['x'], rows: [['a\u001b[2Jb']] })).toContain('a\\x1b[2Jb');
  });
  it('writes RFC 4180 CSV and defuses formulas', () => {
    expect(
      renderCsv({
        columns: ['a', 'b'],
        rows: [
          ['x,y', '=cmd()'],
          ['-5', 'q"q'],
        ],
      }),
    ).toBe('a,b\r\n"x,y",\'=cmd()\r\n-5,"q""q"\r\n');
    expect(renderCsv(rs).split('\r\n')[1]).toBe('10.0.0.1,1234,"a,b"');
  });
  it('writes JSON objects with nulls', () => {
    expect(JSON.parse(renderJson(rs))).toEqual([
      { dst_ip: '10.0.0.1', bytes: 1234, note: 'a,b' },
      { dst_ip: '2001:db8::1', bytes: 5, note: null },
    ]);
  });
});
