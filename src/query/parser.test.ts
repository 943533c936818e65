import { describe, expect, it } from 'vitest';
import type { Expr } from './ast.ts';
import { tokenize } from './lexer.ts';
import { parsePipeQuery } from './parser.ts';

/** A compact rendering of an expression tree, to compare shapes. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'field':
      return e.name;
    case 'number':
      return String(e.value);
    case 'string':
      return JSON.stringify(e.value);
    case 'duration':
      return `${e.amount}${e.unit}`;
    case 'call':
      return `${e.name}(${e.star ? '*' : e.args.map(show).join(',')})`;
    case 'not':
      return `not(${show(e.operand)})`;
    case 'negate':
      return `-(${show(e.operand)})`;
    case 'logical':
    case 'compare':
    case 'arith':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'match':
      return `(${show(e.subject)} ${e.negated ? 'not ' : ''}${e.pattern.kind === 'regex' ? `~/${e.pattern.pattern}/` : `like ${JSON.stringify(e.pattern.value)}`})`;
    case 'in':
      return `(${show(e.subject)} ${e.negated ? 'not in' : 'in'} [${e.items.map(show).join(',')}])`;
  }
}

function filterOf(q: string): string {
  const c = parsePipeQuery(q).commands[0]!;
  if (c.kind !== 'filter') throw new Error('not a filter');
  return show(c.condition);
}

const SHAPES: [string, string][] = [
  ['filter a = 1 or b = 2 and not c = 3', '((a = 1) or ((b = 2) and not((c = 3))))'],
  ['filter (a = 1 or b = 2) and c', '(((a = 1) or (b = 2)) and c)'],
  ['filter a + b * c ^ 2 ^ 3 > -d % 4', '((a + (b * (c ^ (2 ^ 3)))) > (-(d) % 4))'],
  ['filter bytes / 2 > 1', '((bytes / 2) > 1)'],
  ['filter x like /a\\/b/ and y not like "s"', '((x ~/a\\/b/) and (y not like "s"))'],
  ['filter x =~ /^(?i)eni/', '(x ~/^(?i)eni/)'],
  ['filter p not in [22, -1, "x"]', '(p not in [22,-1,"x"])'],
  ["filter `account-id` = '1' # trailing comment", '(account-id = "1")'],
  [
    'filter isIpv4InSubnet(srcAddr, "10.0.0.0/8") and ispresent(dstPort)',
    '(isIpv4InSubnet(srcAddr,"10.0.0.0/8") and ispresent(dstPort))',
  ],
  ['filter @timestamp > 5 and a.b = "q\\"x"', '((@timestamp > 5) and (a.b = "q\\"x"))'],
];

describe('parser', () => {
  for (const [q, shape] of SHAPES) it(q, () => expect(filterOf(q)).toBe(shape));

  it('parses every command', () => {
    const q = parsePipeQuery(
      'fields a, b as c | display c | stats count(*) as n, pct(x, 95) by bin(5m) as t, y | sort n desc, t asc, y | ' +
        'limit 5 | parse @message "* x *" as p, q | parse f /(?<g>.)/ | dedup a, b',
    );
    expect(q.commands.map((c) => c.kind)).toEqual([
      'fields',
      'display',
      'stats',
      'sort',
      'limit',
      'parse',
      'parse',
      'dedup',
    ]);
    const stats = q.commands[2]!;
    if (stats.kind !== 'stats') throw new Error();
    expect(stats.aggregates.map((p) => [p.text, p.alias])).toEqual([
      ['count(*)', 'n'],
      ['pct(x, 95)', undefined],
    ]);
    expect(stats.by.map((p) => show(p.expr))).toEqual(['bin(5m)', 'y']);
    const sort = q.commands[3]!;
    if (sort.kind !== 'sort') throw new Error();
    expect(sort.keys.map((k) => k.descending)).toEqual([true, false, false]);
  });

  it('tells a regex from a division', () => {
    expect(tokenize('a / b').map((t) => t.kind)).toEqual(['ident', 'op', 'ident', 'eof']);
    expect(tokenize('a like /b/').map((t) => t.kind)).toEqual(['ident', 'ident', 'regex', 'eof']);
    expect(tokenize('parse @message /b/').map((t) => t.kind)).toEqual(['ident', 'ident', 'regex', 'eof']);
    expect(tokenize('bin(5m) 1.5h 30 2mo').map((t) => t.kind)).toEqual([
      'ident',
      'op',
      'duration',
      'op',
      'duration',
      'number',
      'duration',
      'eof',
    ]);
  });
});
