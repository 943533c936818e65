// The dispatch finds, for every row, exactly the rules whose predicate the row meets: checked
// against trying every rule on every row, on rows at the edges of the interval tables (IPv4 /16
// block boundaries, 0.0.0.0 and 255.255.255.255, IPv6, missing ports and byte counts).

import { describe, expect, it } from 'vitest';
import { createFlowBatch } from '../core/flow.ts';
import { parseIpv4 } from '../core/ip.ts';
import { compileFlowRule } from './compile-flow.ts';
import { createFlowDispatch } from './dispatch.ts';
import { linkRules, parseRuleText } from './load.ts';
import type { DetectionRule, RuleProblem } from './types.ts';

const DETECTIONS = [
  '{sel: {src_ip|cidr: 10.0.0.0/16}, condition: sel}',
  '{sel: {src_ip|cidr: 10.1.0.0/31}, condition: sel}',
  '{sel: {src_ip|cidr: 10.0.255.255/32, dst_port: 22}, condition: sel}',
  '{sel: {src_ip|cidr: 0.0.0.0/0}, condition: sel}',
  "{sel: {src_ip: ['255.255.255.255', '2001:db8::1']}, condition: sel}",
  '{sel: {dst_ip|cidr: 192.168.0.0/15, bytes|gt: 100}, condition: sel}',
  '{sel: {dst_port|gte: 65535}, condition: sel}',
  '{sel: {bytes|lte: 100}, condition: sel}',
  '{sel: {dst_port: 22}, condition: not sel}',
  "{sel: {resource: 'eni-*'}, n: {resource: null}, condition: sel or n}",
];

function rules(): DetectionRule[] {
  const problems: RuleProblem[] = [];
  const text = DETECTIONS.map(
    (d, k) => `title: r${k}\nid: r${k}\nlogsource: {category: flow}\ndetection: ${d}\n`,
  ).join('---\n');
  const out = linkRules(parseRuleText('d.yml', text, problems), problems) as DetectionRule[];
  expect(problems).toEqual([]);
  return out;
}

const ADDRESSES = [
  '0.0.0.0',
  '9.255.255.255',
  '10.0.0.0',
  '10.0.255.255',
  '10.1.0.0',
  '10.1.0.1',
  '10.1.0.2',
  '192.167.255.255',
  '192.168.0.0',
  '192.169.255.255',
  '192.170.0.0',
  '255.255.255.255',
  '2001:db8::1',
  '2001:db8::2',
];

describe('flow dispatch', () => {
  it('matches trying every rule on every row', () => {
    const b = createFlowBatch(ADDRESSES.length * ADDRESSES.length * 4);
    let n = 0;
    for (const src of ADDRESSES)
      for (const dst of ADDRESSES)
        for (const [port, bytes] of [
          [22, 100],
          [65535, 101],
          [-1, NaN],
          [443, 0],
        ] as const) {
          const v4 = (a: string): number => Math.max(0, parseIpv4(a));
          b.srcIp4[n] = v4(src);
          b.srcIp6[n] = src.includes(':') ? src : null;
          b.dstIp4[n] = v4(dst);
          b.dstIp6[n] = dst.includes(':') ? dst : null;
          b.dstPort[n] = port;
          b.bytes[n] = bytes;
          b.resource[n] = n % 3 === 0 ? null : `eni-${n % 3}`;
          n++;
        }
    b.length = n;
    const entries = rules().map((rule) => ({ rule, pred: compileFlowRule(rule) }));
    const dispatch = createFlowDispatch(entries);
    expect(dispatch.layout()).toMatchObject({
      src_ip: 5,
      dst_ip: 1,
      dst_port: 1,
      bytes: 1,
      always: 1,
      resource: 1,
    });
    const got = new Set<string>();
    dispatch.run(b, new Uint8Array(n), (e, i) => got.add(`${e.rule.id}@${i}`));
    const want = new Set<string>();
    for (const e of entries) for (let i = 0; i < n; i++) if (e.pred(b, i)) want.add(`${e.rule.id}@${i}`);
    expect(want.size).toBeGreaterThan(n);
    expect(got).toEqual(want);
  });

  it('skips rows marked to skip', () => {
    const [rule] = rules();
    const b = createFlowBatch(2);
    b.srcIp4[0] = parseIpv4('10.0.0.1');
    b.srcIp4[1] = parseIpv4('10.0.0.2');
    b.length = 2;
    const seen: number[] = [];
    createFlowDispatch([{ rule: rule!, pred: compileFlowRule(rule!) }]).run(b, Uint8Array.of(1, 0), (_, i) =>
      seen.push(i),
    );
    expect(seen).toEqual([1]);
  });
});
