// Loading reports every problem at once, each with file, line, column and a hint.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConditionError, parseCondition } from './condition.ts';
import { loadRules } from './load.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sakura-rules-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const where = (list: { line: number; message: string }[]): string[] =>
  list.map((p) => `${p.line}: ${p.message}`);

describe('loadRules', () => {
  it('reports every problem of a file, with the line of each', () => {
    const file = write(
      'bad.yml',
      [
        'title: bad', //                         1
        'id: bad one', //                        2
        'levle: high', //                        3
        'tags: [attack.t99]', //                 4
        'logsource: {category: flow}', //        5
        'detection:', //                         6
        '  sel:', //                             7
        '    dst_prot: 22', //                   8
        '    src_ip|cidrr: 1.2.3.4', //          9
        '    proto: tcpx', //                    10
        '    src_ip|cidr: 2001:db8::/32', //     11
        '    bytes|gt: many', //                 12
        '  condition: sel and (', //             13
      ].join('\n'),
    );
    const r = loadRules([file]);
    expect(r.rules).toEqual([]);
    expect(where(r.problems)).toEqual([
      '2: id "bad one" has characters ids cannot hold',
      '3: unknown key "levle" (did you mean "level"?)',
      '4: "attack.t99" is not an ATT&CK tag',
      '8: unknown field "dst_prot" for flow records (did you mean "dst_port"?)',
      '9: unknown modifier "|cidrr" (did you mean "cidr"?)',
      '10: "proto": proto is a number of 0 or more; "tcpx" is not',
      '11: "src_ip|cidr": "2001:db8::/32" is not an IPv4 CIDR',
      '12: "bytes|gt": |gt compares numbers; bytes is num',
      '13: condition: the condition ends too early',
    ]);
    expect(r.problems.every((p) => p.file === file && p.hint.length > 0 && p.column > 0)).toBe(true);
  });

  it('reports YAML syntax, missing keys, unknown selections and unused selections', () => {
    write('syntax.yml', 'title: x\nid: [unclosed\n');
    write('missing.yml', 'title: no detection\nid: m1\nlogsource: {category: flow}\n');
    write(
      'sel.yml',
      'title: s\nid: s1\nlogsource: {category: auth}\ndetection:\n  a: {outcome: failure}\n  b: {user: root}\n  condition: a and c\n',
    );
    write(
      'unused.yml',
      'title: u\nid: u1\nlogsource: {category: flow}\ndetection:\n  a: {dst_port: 1}\n  b: {dst_port: 2}\n  condition: a\n',
    );
    const r = loadRules([dir]);
    const msgs = r.problems.map((p) => `${path.basename(p.file)}:${p.line} ${p.message}`);
    expect(msgs).toContain('missing.yml:1 missing "detection"');
    expect(msgs).toContain('sel.yml:7 condition: unknown selection "c"');
    expect(msgs).toContain('unused.yml:6 selection "b" is not used by the condition');
    expect(msgs.some((m) => m.startsWith('syntax.yml:3 YAML syntax: Flow sequence'))).toBe(true);
  });

  it('links correlations across files and reports bad references and fields', () => {
    const d = mkdtempSync(path.join(dir, 'corr-'));
    writeFileSync(
      path.join(d, 'base.yml'),
      'title: b\nid: base\nlogsource: {service: sshd}\ndetection: {s: {outcome: failure}, condition: s}\n',
    );
    writeFileSync(
      path.join(d, 'c.yml'),
      [
        'title: ok',
        'id: c-ok',
        'correlation: {type: event_count, rules: [base], group-by: [source.ip], timespan: 5m, condition: {gte: 3}}',
        '---',
        'title: unknown ref',
        'id: c-ref',
        'correlation: {type: event_count, rules: [bsae], timespan: 5m, condition: {gte: 3}}',
        '---',
        'title: bad field',
        'id: c-field',
        'correlation: {type: value_count, rules: [base], group-by: [vpc_id], timespan: 1x, condition: {gt: 1}}',
        '---',
        'title: base again',
        'id: base',
        'logsource: {category: flow}',
        'detection: {s: {dst_port: 1}, condition: s}',
      ].join('\n'),
    );
    const r = loadRules([d]);
    expect(r.rules.map((x) => x.id).sort()).toEqual(['base', 'c-ok']);
    expect(where(r.problems)).toEqual([
      '7: correlation refers to unknown rule "bsae" (did you mean "base"?)',
      '11: timespan "1x" is not a duration',
      '11: value_count needs "field" in its condition',
      '13: duplicate rule id "base" (first in ' + path.join(d, 'base.yml') + ':1)',
    ]);
  });
});

describe('parseCondition', () => {
  const sels = ['sel_a', 'sel_b', 'filter', '_hidden'];
  it.each([
    ['sel_a', { kind: 'sel', name: 'sel_a' }],
    ['not filter', { kind: 'not', item: { kind: 'sel', name: 'filter' } }],
    [
      '1 of sel_*',
      {
        kind: 'or',
        items: [
          { kind: 'sel', name: 'sel_a' },
          { kind: 'sel', name: 'sel_b' },
        ],
      },
    ],
    [
      'all of them',
      { kind: 'and', items: ['sel_a', 'sel_b', 'filter'].map((name) => ({ kind: 'sel', name })) },
    ],
    [
      'sel_a or sel_b and not filter',
      {
        kind: 'or',
        items: [
          { kind: 'sel', name: 'sel_a' },
          {
            kind: 'and',
            items: [
              { kind: 'sel', name: 'sel_b' },
              { kind: 'not', item: { kind: 'sel', name: 'filter' } },
            ],
          },
        ],
      },
    ],
    [
      '(sel_a or sel_b) and filter',
      {
        kind: 'and',
        items: [
          {
            kind: 'or',
            items: [
              { kind: 'sel', name: 'sel_a' },
              { kind: 'sel', name: 'sel_b' },
            ],
          },
          { kind: 'sel', name: 'filter' },
        ],
      },
    ],
  ])('%s', (text, tree) => {
    expect(parseCondition(text, sels)).toEqual(tree);
  });

  it.each([
    ['sel_a and', 9, 'the condition ends too early'],
    ['sel_a sel_b', 6, 'unexpected "sel_b"'],
    ['3 of sel_*', 0, '"3 of sel_*" can never match: only 2 selection(s) match'],
    ['(sel_a', 6, 'missing ")"'],
    ['1 of nothing*', 5, 'no selection matches "nothing*"'],
  ])('%s is rejected at column %i', (text, offset, message) => {
    try {
      parseCondition(text, sels);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConditionError);
      expect((e as ConditionError).offset).toBe(offset);
      expect((e as ConditionError).message).toBe(message);
    }
  });
});
