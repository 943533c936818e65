// Expression parser (FORMATS.md §2.3, SQL precedence):
//   or     := and ("or" and)*          and := not ("and" not)*        not := "not" not | pred
//   pred   := sum [cmp sum | ["not"] "like" (STRING|REGEX) | "=~" REGEX | ["not"] "in" "[" lit, ... "]"]
//   sum    := product (("+"|"-") product)*     product := power (("*"|"/"|"%") power)*
//   power  := unary ["^" power]                 unary := "-" unary | primary
//   primary:= NUMBER | STRING | DURATION | "(" or ")" | ident "(" args ")" | FIELD

import type { ComparisonOp, Expr, Literal } from './ast.ts';
import type { Token } from './lexer.ts';
import type { TokenCursor } from './token-cursor.ts';

/** Words that are operators or clause keywords, never field names. */
export const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'like', 'as', 'by', 'asc', 'desc']);
const COMPARISONS = new Set(['=', '!=', '<', '<=', '>', '>=']);

export function parseOr(c: TokenCursor): Expr {
  let left = parseAnd(c);
  while (c.isKeyword('or')) {
    c.pos++;
    const right = parseAnd(c);
    left = { kind: 'logical', op: 'or', left, right, start: left.start, end: right.end };
  }
  return left;
}

function parseAnd(c: TokenCursor): Expr {
  let left = parseNot(c);
  while (c.isKeyword('and')) {
    c.pos++;
    const right = parseNot(c);
    left = { kind: 'logical', op: 'and', left, right, start: left.start, end: right.end };
  }
  return left;
}

function parseNot(c: TokenCursor): Expr {
  if (c.isKeyword('not')) {
    const start = c.next().start;
    const operand = parseNot(c);
    return { kind: 'not', operand, start, end: operand.end };
  }
  return parsePredicate(c);
}

function parsePredicate(c: TokenCursor): Expr {
  const left = parseSum(c);
  const t = c.peek();
  if (t.kind === 'op' && COMPARISONS.has(t.text)) {
    c.pos++;
    const right = parseSum(c);
    return { kind: 'compare', op: t.text as ComparisonOp, left, right, start: left.start, end: right.end };
  }
  if (t.kind === 'op' && t.text === '=~') {
    c.pos++;
    const re = c.next();
    if (re.kind !== 'regex') throw c.unexpected(re, '=~ needs a regex: =~ /pattern/');
    return {
      kind: 'match',
      subject: left,
      negated: false,
      pattern: { kind: 'regex', pattern: re.pattern },
      start: left.start,
      end: re.end,
    };
  }
  let negated = false;
  if (c.isKeyword('not') && c.isKeywordAt(c.pos + 1, 'like', 'in')) {
    negated = true;
    c.pos++;
  }
  if (c.isKeyword('like')) {
    c.pos++;
    const p = c.next();
    if (p.kind === 'string')
      return {
        kind: 'match',
        subject: left,
        negated,
        pattern: { kind: 'substring', value: p.value },
        start: left.start,
        end: p.end,
      };
    if (p.kind === 'regex')
      return {
        kind: 'match',
        subject: left,
        negated,
        pattern: { kind: 'regex', pattern: p.pattern },
        start: left.start,
        end: p.end,
      };
    throw c.unexpected(p, 'like needs a string ("text", substring) or a regex (/pattern/)');
  }
  if (c.isKeyword('in')) {
    c.pos++;
    if (!c.eatOp('[')) throw c.unexpected(c.peek(), 'in needs a list in brackets: in [22, 3389]');
    const items: Literal[] = [];
    if (!c.isOp(']')) {
      do items.push(parseLiteral(c));
      while (c.eatOp(','));
    }
    const close = c.peek();
    if (!c.eatOp(']')) throw c.unexpected(close, 'expected "]" or "," in the list');
    return { kind: 'in', subject: left, negated, items, start: left.start, end: close.end };
  }
  return left;
}

function parseLiteral(c: TokenCursor): Literal {
  const t = c.next();
  if (t.kind === 'number') return { kind: 'number', value: t.value, start: t.start, end: t.end };
  if (t.kind === 'string') return { kind: 'string', value: t.value, start: t.start, end: t.end };
  if (t.kind === 'op' && t.text === '-') {
    const n = c.next();
    if (n.kind === 'number') return { kind: 'number', value: -n.value, start: t.start, end: n.end };
  }
  throw c.unexpected(t, 'expected a number or a string in the list');
}

function parseSum(c: TokenCursor): Expr {
  let left = parseProduct(c);
  for (let t = c.peek(); t.kind === 'op' && (t.text === '+' || t.text === '-'); t = c.peek()) {
    c.pos++;
    const right = parseProduct(c);
    left = { kind: 'arith', op: t.text, left, right, start: left.start, end: right.end };
  }
  return left;
}

function parseProduct(c: TokenCursor): Expr {
  let left = parsePower(c);
  for (
    let t = c.peek();
    t.kind === 'op' && (t.text === '*' || t.text === '/' || t.text === '%');
    t = c.peek()
  ) {
    c.pos++;
    const right = parsePower(c);
    left = { kind: 'arith', op: t.text, left, right, start: left.start, end: right.end };
  }
  return left;
}

function parsePower(c: TokenCursor): Expr {
  const left = parseUnary(c);
  if (c.isOp('^')) {
    c.pos++;
    const right = parsePower(c);
    return { kind: 'arith', op: '^', left, right, start: left.start, end: right.end };
  }
  return left;
}

function parseUnary(c: TokenCursor): Expr {
  const t = c.peek();
  if (t.kind === 'op' && t.text === '-') {
    c.pos++;
    const operand = parseUnary(c);
    return { kind: 'negate', operand, start: t.start, end: operand.end };
  }
  return parsePrimary(c);
}

export function parsePrimary(c: TokenCursor): Expr {
  const t = c.next();
  switch (t.kind) {
    case 'number':
      return { kind: 'number', value: t.value, start: t.start, end: t.end };
    case 'string':
      return { kind: 'string', value: t.value, start: t.start, end: t.end };
    case 'duration':
      return { kind: 'duration', amount: t.amount, unit: t.unit, start: t.start, end: t.end };
    case 'quoted':
      return { kind: 'field', name: t.text, start: t.start, end: t.end };
    case 'ident': {
      if (c.isOp('(')) return parseCall(c, t);
      if (KEYWORDS.has(t.text.toLowerCase())) throw c.unexpected(t, `"${t.text}" cannot start an expression`);
      return { kind: 'field', name: t.text, start: t.start, end: t.end };
    }
    case 'op':
      if (t.text === '(') {
        const inner = parseOr(c);
        if (!c.eatOp(')')) throw c.unexpected(c.peek(), 'expected ")"');
        return inner;
      }
      throw c.unexpected(t, 'expected a field, a value or "("');
    case 'regex':
      throw c.unexpected(t, 'a regex can only follow like, =~ or parse <field>');
    case 'eof':
      throw c.unexpected(t, 'the query ends too early');
  }
}

function parseCall(c: TokenCursor, nameToken: Token & { kind: 'ident' }): Expr {
  c.pos++; // "("
  const args: Expr[] = [];
  let star = false;
  if (c.isOp('*') && c.isOpAt(c.pos + 1, ')')) {
    star = true;
    c.pos++;
  } else if (!c.isOp(')')) {
    do args.push(parseOr(c));
    while (c.eatOp(','));
  }
  const close = c.peek();
  if (!c.eatOp(')')) throw c.unexpected(close, `expected ")" to close ${nameToken.text}(`);
  return { kind: 'call', name: nameToken.text, args, star, start: nameToken.start, end: close.end };
}
