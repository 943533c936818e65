// Splits a pipe query into tokens, each with its offset in the text (for error columns).
//
// A `/` starts a regex literal only where a regex may appear: after `like`, after `=~`, and after
// `parse <field>`. Everywhere else it is division. A number followed directly by a unit
// (`5m`, `1h`, `30s`) is a duration, as used by `bin()`.

import { QueryError } from './query-error.ts';

export const DURATION_UNITS = ['ms', 's', 'm', 'h', 'd', 'w', 'mo', 'q', 'y'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

export type Token =
  | { kind: 'ident'; text: string; start: number; end: number }
  | { kind: 'quoted'; text: string; start: number; end: number }
  | { kind: 'number'; value: number; start: number; end: number }
  | { kind: 'duration'; amount: number; unit: DurationUnit; start: number; end: number }
  | { kind: 'string'; value: string; start: number; end: number }
  | { kind: 'regex'; pattern: string; start: number; end: number }
  | { kind: 'op'; text: string; start: number; end: number }
  | { kind: 'eof'; start: number; end: number };

const OPERATORS = [
  '!=',
  '<=',
  '>=',
  '=~',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '(',
  ')',
  '[',
  ']',
  ',',
  '|',
];

function isIdentStart(c: string): boolean {
  return /[A-Za-z_@]/.test(c);
}
function isIdentPart(c: string): boolean {
  return /[A-Za-z0-9_@.]/.test(c);
}

function regexAllowed(tokens: readonly Token[]): boolean {
  const prev = tokens[tokens.length - 1];
  if (prev === undefined) return false;
  if (prev.kind === 'op' && prev.text === '=~') return true;
  if (prev.kind === 'ident' && prev.text.toLowerCase() === 'like') return true;
  const before = tokens[tokens.length - 2];
  return (
    (prev.kind === 'ident' || prev.kind === 'quoted') &&
    before?.kind === 'ident' &&
    before.text.toLowerCase() === 'parse'
  );
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) {
          const next = text[i + 1]!;
          value += ESCAPES[next] ?? `\\${next}`;
          i += 2;
        } else {
          value += text[i];
          i++;
        }
      }
      if (i >= text.length) throw new QueryError('unterminated string', start, `close it with ${c}`);
      i++;
      tokens.push({ kind: 'string', value, start, end: i });
      continue;
    }
    if (c === '`') {
      const close = text.indexOf('`', i + 1);
      if (close < 0) throw new QueryError('unterminated `quoted` field name', start, 'close it with `');
      tokens.push({ kind: 'quoted', text: text.slice(i + 1, close), start, end: close + 1 });
      i = close + 1;
      continue;
    }
    if (c === '/' && regexAllowed(tokens)) {
      let j = i + 1;
      while (j < text.length && text[j] !== '/') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) throw new QueryError('unterminated regex', start, 'close it with /');
      tokens.push({ kind: 'regex', pattern: text.slice(i + 1, j), start, end: j + 1 });
      i = j + 1;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i))!;
      const value = Number(m[0]);
      i += m[0].length;
      const unit = /^[A-Za-z]+/.exec(text.slice(i))?.[0];
      if (unit !== undefined) {
        if (!(DURATION_UNITS as readonly string[]).includes(unit)) {
          throw new QueryError(
            `unknown time unit "${unit}" after ${m[0]}`,
            start,
            `use one of ${DURATION_UNITS.join(', ')} (e.g. 5m, 1h)`,
          );
        }
        i += unit.length;
        tokens.push({ kind: 'duration', amount: value, unit: unit as DurationUnit, start, end: i });
      } else {
        tokens.push({ kind: 'number', value, start, end: i });
      }
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < text.length && isIdentPart(text[j]!)) j++;
      tokens.push({ kind: 'ident', text: text.slice(i, j), start, end: j });
      i = j;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op === undefined) {
      throw new QueryError(
        `unexpected character "${c}"`,
        start,
        'field names with characters other than letters, digits, _, @ and . need backticks: `account-id`',
      );
    }
    tokens.push({ kind: 'op', text: op, start, end: i + op.length });
    i += op.length;
  }
  tokens.push({ kind: 'eof', start: text.length, end: text.length });
  return tokens;
}
