// The Sigma condition language: `and`, `or`, `not`, parentheses, `1 of sel*`, `all of them`, a
// number `N of pattern`. Parses into the typed tree of types.ts, with quantifiers expanded
// against the rule's selection names; errors give the column within the condition text.

import type { Condition } from './types.ts';

export class ConditionError extends Error {
  readonly offset: number;
  readonly hint: string;
  constructor(message: string, offset: number, hint: string) {
    super(message);
    this.offset = offset;
    this.hint = hint;
  }
}

interface Token {
  text: string;
  offset: number;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*([()]|[^\s()]+)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const t = m[1];
    if (t === undefined) break;
    tokens.push({ text: t, offset: m.index + m[0].length - t.length });
  }
  return tokens;
}

function globRegex(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', '(', ')']);

/** Parses a condition over the given selection names. Throws ConditionError. */
export function parseCondition(text: string, selections: readonly string[]): Condition {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const known = `selections: ${selections.join(', ') || '(none)'}`;
  const fail = (message: string, at: Token | undefined, hint: string): never => {
    throw new ConditionError(message, at?.offset ?? text.length, hint);
  };

  function quantified(countTok: Token): Condition {
    pos++; // `of`
    const target = peek();
    if (target === undefined || KEYWORDS.has(target.text.toLowerCase())) {
      return fail(
        `"${countTok.text} of" needs a selection pattern or "them"`,
        target,
        'write e.g. "1 of sel_*"',
      );
    }
    pos++;
    const all = target.text.toLowerCase() === 'them';
    // Sigma: "them" leaves out selections whose name starts with "_".
    const names = all
      ? selections.filter((s) => !s.startsWith('_'))
      : selections.filter((s) => globRegex(target.text).test(s));
    if (names.length === 0) {
      return fail(`no selection matches "${target.text}"`, target, known);
    }
    const items: Condition[] = names.map((name) => ({ kind: 'sel', name }));
    const c = countTok.text.toLowerCase();
    if (c === 'all') return items.length === 1 ? items[0]! : { kind: 'and', items };
    const n = Number(c);
    if (n === 1) return items.length === 1 ? items[0]! : { kind: 'or', items };
    if (!Number.isInteger(n) || n < 1) {
      return fail(`"${countTok.text} of" is not a quantifier`, countTok, 'use "1 of", "all of" or "N of"');
    }
    if (n > items.length) {
      return fail(
        `"${n} of ${target.text}" can never match: only ${items.length} selection(s) match`,
        countTok,
        known,
      );
    }
    // N of K: any N-subset all matching, written as an OR of ANDs (K is small in practice).
    const combos: Condition[] = [];
    const pick = (start: number, chosen: Condition[]): void => {
      if (chosen.length === n) {
        combos.push({ kind: 'and', items: [...chosen] });
        return;
      }
      for (let i = start; i < items.length; i++) pick(i + 1, [...chosen, items[i]!]);
    };
    pick(0, []);
    return { kind: 'or', items: combos };
  }

  function primary(): Condition {
    const t = peek();
    if (t === undefined)
      return fail('the condition ends too early', t, 'add a selection name after the operator');
    const lower = t.text.toLowerCase();
    if (t.text === '(') {
      pos++;
      const inner = orExpr();
      if (peek()?.text !== ')') fail('missing ")"', peek(), 'close every "(" you open');
      pos++;
      return inner;
    }
    if (peek() !== undefined && tokens[pos + 1]?.text.toLowerCase() === 'of') {
      pos++;
      return quantified(t);
    }
    if (KEYWORDS.has(lower))
      return fail(`unexpected "${t.text}"`, t, 'a selection name or "(" must come here');
    pos++;
    if (!selections.includes(t.text)) {
      return fail(`unknown selection "${t.text}"`, t, known);
    }
    return { kind: 'sel', name: t.text };
  }

  function notExpr(): Condition {
    if (peek()?.text.toLowerCase() === 'not') {
      pos++;
      return { kind: 'not', item: notExpr() };
    }
    return primary();
  }

  function andExpr(): Condition {
    const items = [notExpr()];
    while (peek()?.text.toLowerCase() === 'and') {
      pos++;
      items.push(notExpr());
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  function orExpr(): Condition {
    const items = [andExpr()];
    while (peek()?.text.toLowerCase() === 'or') {
      pos++;
      items.push(andExpr());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  if (tokens.length === 0) fail('the condition is empty', undefined, `name a selection; ${known}`);
  const tree = orExpr();
  const rest = peek();
  if (rest !== undefined) {
    fail(`unexpected "${rest.text}"`, rest, 'join selections with "and" or "or"');
  }
  return tree;
}

/** Names of the selections a condition uses. */
export function usedSelections(c: Condition, into = new Set<string>()): Set<string> {
  switch (c.kind) {
    case 'sel':
      into.add(c.name);
      break;
    case 'not':
      usedSelections(c.item, into);
      break;
    case 'and':
    case 'or':
      for (const i of c.items) usedSelections(i, into);
      break;
    default: {
      const never: never = c;
      throw new Error(`unexpected condition ${String(never)}`);
    }
  }
  return into;
}
