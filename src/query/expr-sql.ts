// Expression tree -> SQL text. One exhaustive switch over Expr; every literal becomes a bound
// parameter through `ctx.bind`; field names resolve only through `ctx.resolve` (the alias table
// or names defined earlier in the query).

import type { Expr, Literal } from './ast.ts';
import type { FieldDef, FieldType, IpColumns, ValueCase } from './fields.ts';
import { compileCall } from './functions.ts';
import { toRe2 } from './patterns.ts';
import type { Bind } from './ip-sql.ts';
import { QueryError } from './query-error.ts';

export interface Compiled {
  sql: string;
  type: FieldType;
  /** Set when the expression is a plain field whose stored values have a fixed case. */
  values?: ValueCase;
  /** Fast address columns, when the expression is a plain address field that has them. */
  ip?: IpColumns;
  /** True when the expression contains an aggregate function. */
  aggregate: boolean;
}

export interface ExprContext {
  /** The field a name refers to; throws a QueryError (with near matches) when unknown. */
  resolve(name: string, offset: number): FieldDef;
  bind: Bind;
  /** Where aggregate functions may appear (`stats`), and whether we are inside one already. */
  aggregates: 'allowed' | 'forbidden' | 'inside';
  /**
   * A result column named after this call's text (`count(*)` after `stats count(*)`), if any:
   * then `sort count(*) desc` sorts by that column instead of aggregating again.
   */
  columnNamed?(call: Expr): FieldDef | undefined;
}

const COMPARE_SQL = { '=': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' } as const;

function recase(value: string, values: ValueCase | undefined): string {
  if (values === 'lower') return value.toLowerCase();
  if (values === 'upper') return value.toUpperCase();
  return value;
}

function isLiteral(e: Expr): e is Literal {
  return e.kind === 'number' || e.kind === 'string';
}

function isLiteralString(e: Expr): boolean {
  return e.kind === 'string';
}

const NUMERIC = /^-?[0-9]+(\.[0-9]+)?$/;

/** A string literal that is not a number: a numeric column compared with it compares as text. */
function isWord(e: Expr): boolean {
  return e.kind === 'string' && !NUMERIC.test(e.value);
}

/** A literal compared with `other`, typed like it so that DuckDB never fails to convert a value. */
function comparedLiteral(lit: Literal, other: Compiled | undefined, ctx: ExprContext): string {
  switch (lit.kind) {
    case 'number':
      return ctx.bind(other?.type === 'text' ? String(lit.value) : lit.value);
    case 'string':
      if (other?.type === 'number' && NUMERIC.test(lit.value)) return ctx.bind(Number(lit.value));
      return ctx.bind(recase(lit.value, other?.values));
  }
}

function comparedOperand(c: Compiled, other: Expr): string {
  return c.type === 'number' && isWord(other) ? `CAST(${c.sql} AS VARCHAR)` : c.sql;
}

export function compileExpr(e: Expr, ctx: ExprContext): Compiled {
  switch (e.kind) {
    case 'field': {
      const def = ctx.resolve(e.name, e.start);
      return {
        sql: def.sql,
        type: def.type,
        ...(def.values ? { values: def.values } : {}),
        ...(def.ip ? { ip: def.ip } : {}),
        aggregate: false,
      };
    }
    case 'number':
      return { sql: ctx.bind(e.value), type: 'number', aggregate: false };
    case 'string':
      return { sql: ctx.bind(e.value), type: 'text', aggregate: false };
    case 'duration':
      throw new QueryError(
        `a duration (${e.amount}${e.unit}) is only allowed inside bin(), datefloor() or dateceil()`,
        e.start,
        'e.g. stats count(*) by bin(5m)',
      );
    case 'call': {
      const column = ctx.columnNamed?.(e);
      if (column) return { sql: column.sql, type: column.type, aggregate: false };
      return compileCall(e, ctx);
    }
    case 'not': {
      const operand = compileExpr(e.operand, ctx);
      return { sql: `(NOT ${operand.sql})`, type: 'boolean', aggregate: operand.aggregate };
    }
    case 'negate': {
      const operand = compileExpr(e.operand, ctx);
      return { sql: `(- ${operand.sql})`, type: 'number', aggregate: operand.aggregate };
    }
    case 'logical': {
      const left = compileExpr(e.left, ctx);
      const right = compileExpr(e.right, ctx);
      return {
        sql: `(${left.sql} ${e.op.toUpperCase()} ${right.sql})`,
        type: 'boolean',
        aggregate: left.aggregate || right.aggregate,
      };
    }
    case 'compare': {
      // Literals take the type of the other side, and are re-cased for fields of fixed case
      // (action = "REJECT" matches the stored `reject`).
      const left = isLiteral(e.left) ? undefined : compileExpr(e.left, ctx);
      const right = isLiteral(e.right) ? undefined : compileExpr(e.right, ctx);
      const leftSql = left ? comparedOperand(left, e.right) : comparedLiteral(e.left as Literal, right, ctx);
      const rightSql = right
        ? comparedOperand(right, e.left)
        : comparedLiteral(e.right as Literal, left, ctx);
      return {
        sql: `(${leftSql} ${COMPARE_SQL[e.op]} ${rightSql})`,
        type: 'boolean',
        aggregate: (left?.aggregate ?? false) || (right?.aggregate ?? false),
      };
    }
    case 'arith': {
      const left = compileExpr(e.left, ctx);
      const right = compileExpr(e.right, ctx);
      const sql = e.op === '^' ? `power(${left.sql}, ${right.sql})` : `(${left.sql} ${e.op} ${right.sql})`;
      return { sql, type: 'number', aggregate: left.aggregate || right.aggregate };
    }
    case 'match': {
      const subject = compileExpr(e.subject, ctx);
      const text = subject.type === 'text' ? subject.sql : `CAST(${subject.sql} AS VARCHAR)`;
      const test =
        e.pattern.kind === 'substring'
          ? `(strpos(${text}, ${ctx.bind(e.pattern.value)}) > 0)`
          : `regexp_matches(${text}, ${ctx.bind(toRe2(e.pattern.pattern))})`;
      return { sql: e.negated ? `(NOT ${test})` : test, type: 'boolean', aggregate: subject.aggregate };
    }
    case 'in': {
      const subject = compileExpr(e.subject, ctx);
      if (e.items.length === 0) {
        return { sql: e.negated ? 'TRUE' : 'FALSE', type: 'boolean', aggregate: subject.aggregate };
      }
      // Text on either side makes the whole test textual, so that no value fails to convert.
      const textual =
        subject.type === 'text' ||
        e.items.some(isWord) ||
        (subject.type !== 'number' && e.items.some(isLiteralString));
      const lhs = textual && subject.type !== 'text' ? `CAST(${subject.sql} AS VARCHAR)` : subject.sql;
      const items = e.items.map((i) =>
        textual ? ctx.bind(recase(String(i.value), subject.values)) : ctx.bind(Number(i.value)),
      );
      return {
        sql: `(${lhs} ${e.negated ? 'NOT IN' : 'IN'} (${items.join(', ')}))`,
        type: 'boolean',
        aggregate: subject.aggregate,
      };
    }
  }
}
