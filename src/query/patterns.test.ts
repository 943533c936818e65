import { describe, expect, it } from 'vitest';
import { captureGroups, globToRegex, regexGroupNames, toRe2 } from './patterns.ts';

describe('glob and regex helpers', () => {
  it('turns a glob into an unanchored regex with escaped literals', () => {
    expect(globToRegex('* user=*, id=*')).toBe('(.*?) user=(.*?), id=(.*)');
    expect(globToRegex('[*] (*).')).toBe('\\[(.*?)\\] \\((.*?)\\)\\.');
  });
  it('numbers capture groups, skipping non-capturing ones, escapes and classes', () => {
    const g = captureGroups('(?:x)(?<a>\\()[(](b)(?P<c>.)(?=z)');
    expect([...g]).toEqual([
      ['a', 1],
      ['c', 3],
    ]);
  });
  it('finds the named groups of a regex', () => {
    expect(regexGroupNames('(?<a>x)(y)(?P<b_2>z)(?<=w)')).toEqual(['a', 'b_2']);
  });
  it('spells named groups for RE2', () => {
    expect(toRe2('(?<a>x)(?<=y)(?P<b>z)')).toBe('(?P<a>x)(?<=y)(?P<b>z)');
  });
});
