// Which key a rule is filed under, and the values it must have there: the dispatch tries a rule
// only on records inside that set, so a set too small would silently lose matches.

import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../core/ip.ts';
import { type RuleIndex, normalise, ruleIndex } from './index-rules.ts';
import { linkRules, parseRuleText } from './load.ts';
import type { DetectionRule, RuleProblem } from './types.ts';

function indexOf(detection: string): RuleIndex | null {
  const problems: RuleProblem[] = [];
  const text = `title: t\nid: t\nlogsource: {category: flow}\ndetection:\n${detection}\n`;
  const [rule] = linkRules(parseRuleText('t.yml', text, problems), problems);
  expect(problems).toEqual([]);
  return ruleIndex(rule as DetectionRule);
}

const ip = (s: string): number => parseIpv4(s);

describe('rule index', () => {
  it('files a rule under its most selective requirement, with the next one as a guard', () => {
    const ix = indexOf(
      '  sel: {dst_port: 22, src_ip|cidr: 203.0.113.7/32}\n  inside: {src_ip|cidr: 10.0.0.0/8}\n  condition: sel and not inside',
    );
    expect(ix).toEqual({
      kind: 'values',
      key: 'src_ip',
      set: { ranges: [[ip('203.0.113.7'), ip('203.0.113.7') + 1]], v6: new Set() },
      guard: { key: 'dst_port', lo: 22, hi: 23 },
    });
  });

  it('gives no requirement for a negation or an OR across different fields', () => {
    expect(indexOf('  sel: {dst_port: 22}\n  condition: not sel')).toBeNull();
    expect(indexOf('  a: {dst_port: 22}\n  b: {src_ip: 8.8.8.8}\n  condition: a or b')).toBeNull();
  });

  it('unites the branches of an OR on one field and intersects an AND', () => {
    const or = indexOf('  a: {dst_port: [22, 23]}\n  b: {dst_port: 3389}\n  condition: a or b');
    expect(or?.kind === 'values' && or.set.ranges).toEqual([
      [22, 24],
      [3389, 3390],
    ]);
    const and = indexOf('  a: {dst_port|gt: 1000}\n  b: {dst_port|lte: 2000}\n  condition: a and b');
    expect(and?.kind === 'values' && and.set.ranges).toEqual([[1001, 2001]]);
  });

  it('keeps IPv6 addresses beside IPv4 ranges, and aligns CIDR blocks to their edges', () => {
    const ix = indexOf("  sel: {src_ip: ['2001:db8::5', 10.0.0.1]}\n  condition: sel");
    expect(ix).toMatchObject({ key: 'src_ip', set: { ranges: [[ip('10.0.0.1'), ip('10.0.0.2')]] } });
    expect(ix?.kind === 'values' && [...ix.set.v6]).toEqual(['2001:db8::5']);
    const block = indexOf('  sel: {dst_ip|cidr: 192.168.1.77/24}\n  condition: sel');
    expect(block?.kind === 'values' && block.set.ranges).toEqual([[ip('192.168.1.0'), ip('192.168.2.0')]]);
  });

  it('puts missing values in no set: "field: null" and wildcards give no requirement', () => {
    expect(indexOf('  sel: {dst_port: null}\n  condition: sel')).toBeNull();
    expect(indexOf("  sel: {src_ip: '10.0.*'}\n  condition: sel")).toBeNull();
  });

  it('bounds float comparisons widely enough to keep every match', () => {
    const ix = indexOf('  sel: {bytes|gt: 1.5, packets|lte: 2.5}\n  condition: sel');
    // packets <= 2.5 is the smaller share of its domain; bytes > 1.5 guards it.
    expect(ix).toMatchObject({ key: 'packets', guard: { key: 'bytes', lo: 1.5, hi: Infinity } });
    expect(ix?.kind === 'values' && ix.set.ranges[0]![1]).toBeGreaterThan(2.5);
  });

  it('files a rule with only text tests under its text column, with the same test as the predicate', () => {
    const ix = indexOf('  sel: {vpc_id|contains: PROD}\n  condition: sel');
    expect(ix?.kind).toBe('text');
    if (ix?.kind !== 'text') return;
    expect(ix.field.name).toBe('vpc_id');
    expect([ix.test('vpc-prod1'), ix.test('vpc-stage2'), ix.test(null)]).toEqual([true, false, false]);
  });

  it('merges overlapping and touching intervals', () => {
    expect(
      normalise([
        [5, 6],
        [1, 3],
        [3, 4],
        [2, 2.5],
      ]),
    ).toEqual([
      [1, 4],
      [5, 6],
    ]);
  });
});
