// The typed tree of a pipe query. `start`/`end` are offsets in the query text: errors report
// `start + 1` as the column, and a projection without `as` is named after its source text.

import type { DurationUnit } from './lexer.ts';
import type { RelationName } from './relations.ts';

export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^';

interface Span {
  start: number;
  end: number;
}

export type Literal = ({ kind: 'number'; value: number } & Span) | ({ kind: 'string'; value: string } & Span);

export type Expr =
  | ({ kind: 'field'; name: string } & Span)
  | Literal
  | ({ kind: 'duration'; amount: number; unit: DurationUnit } & Span)
  | ({ kind: 'call'; name: string; args: Expr[]; star: boolean } & Span)
  | ({ kind: 'not'; operand: Expr } & Span)
  | ({ kind: 'negate'; operand: Expr } & Span)
  | ({ kind: 'logical'; op: 'and' | 'or'; left: Expr; right: Expr } & Span)
  | ({ kind: 'compare'; op: ComparisonOp; left: Expr; right: Expr } & Span)
  | ({ kind: 'arith'; op: ArithmeticOp; left: Expr; right: Expr } & Span)
  /** `like "s"` (substring), `like /re/` and `=~ /re/` (unanchored regex). */
  | ({ kind: 'match'; subject: Expr; negated: boolean; pattern: MatchPattern } & Span)
  | ({ kind: 'in'; subject: Expr; negated: boolean; items: Literal[] } & Span);

export type MatchPattern = { kind: 'substring'; value: string } | { kind: 'regex'; pattern: string };

export interface Projection extends Span {
  expr: Expr;
  /** The `as` name, if given. */
  alias: string | undefined;
  /** Source text of the expression, used as the column name when there is no alias. */
  text: string;
}

export interface SortKey {
  expr: Expr;
  descending: boolean;
}

export type ParsePattern = { kind: 'glob'; text: string } | { kind: 'regex'; pattern: string };

export type Command =
  | ({ kind: 'fields'; items: Projection[] } & Span)
  | ({ kind: 'display'; items: Projection[] } & Span)
  | ({ kind: 'filter'; condition: Expr } & Span)
  | ({ kind: 'stats'; aggregates: Projection[]; by: Projection[] } & Span)
  | ({ kind: 'sort'; keys: SortKey[] } & Span)
  | ({ kind: 'limit'; count: number } & Span)
  | ({ kind: 'parse'; source: Expr; pattern: ParsePattern; names: string[] } & Span)
  | ({ kind: 'dedup'; keys: Expr[] } & Span)
  /** `source events` (or a bare `events`) as the first command: what the query reads. */
  | ({ kind: 'source'; relation: RelationName } & Span);

export interface PipeQuery {
  commands: Command[];
}
