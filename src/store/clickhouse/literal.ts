// The one place where values become ClickHouse SQL text. ClickHouse 18.16 has no query
// parameters, so `?` placeholders are replaced by literals written here, and rows are inserted
// as VALUES tuples of the same literals. Strings escape backslash and quote and spell every
// control character as \xHH, so no value can end a literal or start a statement.

import type { SqlValue } from '../store.ts';

const HEX = '0123456789ABCDEF';

function quoteString(s: string): string {
  let out = "'";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x27) out += "\\'";
    else if (c === 0x5c) out += '\\\\';
    else if (c < 0x20 || c === 0x7f) out += `\\x${HEX[c >> 4]}${HEX[c & 15]}`;
    else out += s[i];
  }
  return `${out}'`;
}

/** Epoch microseconds as the text of a Decimal64(6) number of seconds (our timestamp type). */
export function microsText(micros: bigint): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const frac = (abs % 1_000_000n).toString().padStart(6, '0');
  return `${negative ? '-' : ''}${abs / 1_000_000n}.${frac}`;
}

/**
 * A value as ClickHouse SQL: NULL, a number, a quoted string, or for a Date a Decimal64(6)
 * timestamp. Refuses what has no exact literal (NaN, infinities, invalid dates).
 */
export function sqlLiteral(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return quoteString(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot bind ${v} as a ClickHouse literal`);
    return Number.isInteger(v) ? BigInt(v).toString() : String(v);
  }
  const ms = v.getTime();
  if (Number.isNaN(ms)) throw new Error('cannot bind an invalid Date as a ClickHouse literal');
  return `toDecimal64('${microsText(BigInt(ms) * 1000n)}', 6)`;
}

/**
 * Replaces each `?` outside string literals, quoted identifiers and comments with the literal of
 * the next parameter; the count must match exactly.
 */
export function bindParams(sql: string, params: readonly SqlValue[]): string {
  let out = '';
  let next = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < sql.length && sql[j] !== c) j += sql[j] === '\\' ? 2 : 1;
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const j = sql.indexOf('\n', i);
      const end = j < 0 ? sql.length : j;
      out += sql.slice(i, end);
      i = end;
    } else if (c === '/' && sql[i + 1] === '*') {
      const j = sql.indexOf('*/', i + 2);
      const end = j < 0 ? sql.length : j + 2;
      out += sql.slice(i, end);
      i = end;
    } else if (c === '?') {
      if (next >= params.length)
        throw new Error(`the query has more ? placeholders than the ${params.length} parameters`);
      out += sqlLiteral(params[next++]!);
      i++;
    } else {
      out += c;
      i++;
    }
  }
  if (next !== params.length) {
    throw new Error(`the query has ${next} ? placeholders but ${params.length} parameters were given`);
  }
  return out;
}
