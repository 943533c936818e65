// Logs Insights functions (FORMATS.md §2.2) -> DuckDB SQL. One literal registry; a function is a
// name, an arity and a builder. Builders get the raw arguments so that those that must be
// literals (periods, percentiles, CIDRs) can insist on it.

import type { Expr } from './ast.ts';
import { compileExpr, type Compiled, type ExprContext } from './expr-sql.ts';
import { nearFieldNames } from './fields.ts';
import {
  inSubnetColumnsSql,
  inSubnetSql,
  ipv4ValidSql,
  ipv6ValidSql,
  ipValidSql,
  parseCidr,
} from './ip-sql.ts';
import type { DurationUnit } from './lexer.ts';
import { QueryError } from './query-error.ts';

type CallExpr = Expr & { kind: 'call' };

interface Builder {
  call: CallExpr;
  ctx: ExprContext;
  /** Compiles argument `i` (row-level, or inside the aggregate for aggregate functions). */
  arg(i: number): Compiled;
  /** The SQL of @timestamp in the current scope. */
  timestamp(): string;
}

interface FunctionSpec {
  min: number;
  max: number;
  aggregate?: boolean;
  build(b: Builder): Pick<Compiled, 'sql' | 'type'>;
}

const MAX_ARGS = 64;

function simple(sqlName: string, min: number, max: number, type: Compiled['type']): FunctionSpec {
  return {
    min,
    max,
    build: (b) => ({ sql: `${sqlName}(${b.call.args.map((_a, i) => b.arg(i).sql).join(', ')})`, type }),
  };
}

function aggregate(sqlName: string, type: Compiled['type']): FunctionSpec {
  return { min: 1, max: 1, aggregate: true, build: (b) => ({ sql: `${sqlName}(${b.arg(0).sql})`, type }) };
}

function asText(c: Compiled): string {
  return c.type === 'text' ? c.sql : `CAST(${c.sql} AS VARCHAR)`;
}

const INTERVAL_FUNCTIONS: Record<DurationUnit, string> = {
  ms: 'to_milliseconds',
  s: 'to_seconds',
  m: 'to_minutes',
  h: 'to_hours',
  d: 'to_days',
  w: 'to_weeks',
  mo: 'to_months',
  q: 'to_months',
  y: 'to_years',
};

/**
 * `time_bucket` of `t` by the period in argument `i`. Periods shorter than a week are counted
 * from the Unix epoch (DuckDB's default origin, 2000-01-03, does not divide e.g. 7m); weeks start
 * on Monday and months, quarters and years on calendar boundaries (DuckDB's defaults).
 */
function bucket(b: Builder, i: number, t: string): string {
  const a = b.call.args[i];
  const calendar =
    a?.kind === 'duration' && (a.unit === 'w' || a.unit === 'mo' || a.unit === 'q' || a.unit === 'y');
  return `time_bucket(${interval(b, i)}, ${t}${calendar ? '' : `, ${EPOCH}`})`;
}

const EPOCH = "TIMESTAMP '1970-01-01 00:00:00'";

/** `5m` -> `to_minutes($n)`; the period must be a literal duration. */
function interval(b: Builder, i: number): string {
  const a = b.call.args[i]!;
  if (a.kind !== 'duration' || !(a.amount > 0)) {
    throw new QueryError(
      `${b.call.name}() needs a period such as 5m, 1h or 1d`,
      a.start,
      'units: ms, s, m, h, d, w, mo, q, y',
    );
  }
  const amount = a.unit === 'q' ? a.amount * 3 : a.amount;
  const whole = a.unit === 'mo' || a.unit === 'q' || a.unit === 'y' || a.unit === 'd' || a.unit === 'w';
  if (whole && !Number.isInteger(amount))
    throw new QueryError(`the period ${a.amount}${a.unit} must be a whole number`, a.start);
  // to_minutes/to_hours take integers only: a fractional 1.5h becomes to_seconds(5400).
  if (!Number.isInteger(amount) && (a.unit === 'm' || a.unit === 'h')) {
    return `to_seconds(${b.ctx.bind(amount * (a.unit === 'm' ? 60 : 3600))})`;
  }
  return `${INTERVAL_FUNCTIONS[a.unit]}(${b.ctx.bind(amount)})`;
}

function subnet(family: 4 | 6 | undefined): FunctionSpec {
  return {
    min: 2,
    max: 2,
    build: (b) => {
      const c = b.call.args[1]!;
      const cidr = c.kind === 'string' ? parseCidr(c.value) : null;
      if (c.kind !== 'string' || cidr === null) {
        throw new QueryError(
          `${b.call.name}() needs a CIDR string as its second argument`,
          c.start,
          'e.g. "10.0.0.0/16" or "2001:db8::/32"',
        );
      }
      if (family !== undefined && cidr.family !== family) {
        throw new QueryError(
          `"${c.value}" is not an IPv${family} CIDR`,
          c.start,
          'use isIpInSubnet() for either family',
        );
      }
      const address = b.arg(0);
      const sql = address.ip
        ? inSubnetColumnsSql(address.ip, cidr, b.ctx.bind)
        : inSubnetSql(asText(address), cidr, b.ctx.bind);
      return { sql, type: 'boolean' };
    },
  };
}

const FUNCTIONS: Record<string, FunctionSpec> = {
  // general
  ispresent: { min: 1, max: 1, build: (b) => ({ sql: `(${b.arg(0).sql} IS NOT NULL)`, type: 'boolean' }) },
  coalesce: simple('coalesce', 1, MAX_ARGS, 'unknown'),
  // string
  isempty: {
    min: 1,
    max: 1,
    build: (b) => ({ sql: `(coalesce(${asText(b.arg(0))}, '') = '')`, type: 'boolean' }),
  },
  isblank: {
    min: 1,
    max: 1,
    build: (b) => ({ sql: `(trim(coalesce(${asText(b.arg(0))}, '')) = '')`, type: 'boolean' }),
  },
  concat: {
    min: 1,
    max: MAX_ARGS,
    build: (b) => ({
      sql: `concat(${b.call.args.map((_a, i) => asText(b.arg(i))).join(', ')})`,
      type: 'text',
    }),
  },
  ltrim: simple('ltrim', 1, 2, 'text'),
  rtrim: simple('rtrim', 1, 2, 'text'),
  trim: simple('trim', 1, 2, 'text'),
  strlen: { min: 1, max: 1, build: (b) => ({ sql: `length(${asText(b.arg(0))})`, type: 'number' }) },
  toupper: { min: 1, max: 1, build: (b) => ({ sql: `upper(${asText(b.arg(0))})`, type: 'text' }) },
  tolower: { min: 1, max: 1, build: (b) => ({ sql: `lower(${asText(b.arg(0))})`, type: 'text' }) },
  substr: {
    min: 2,
    max: 3,
    build: (b) => {
      // Arguments are compiled left to right so that $n follow the text.
      const text = asText(b.arg(0));
      const start = `CAST(${b.arg(1).sql} AS BIGINT) + 1`;
      const length = b.call.args.length === 3 ? `, CAST(${b.arg(2).sql} AS BIGINT)` : '';
      return { sql: `substr(${text}, ${start}${length})`, type: 'text' };
    },
  },
  replace: simple('replace', 3, 3, 'text'),
  strcontains: {
    min: 2,
    max: 2,
    build: (b) => ({ sql: `(strpos(${asText(b.arg(0))}, ${asText(b.arg(1))}) > 0)`, type: 'boolean' }),
  },
  // numeric
  abs: simple('abs', 1, 1, 'number'),
  ceil: simple('ceil', 1, 1, 'number'),
  floor: simple('floor', 1, 1, 'number'),
  greatest: simple('greatest', 1, MAX_ARGS, 'unknown'),
  least: simple('least', 1, MAX_ARGS, 'unknown'),
  log: simple('ln', 1, 1, 'number'),
  sqrt: simple('sqrt', 1, 1, 'number'),
  // time
  bin: {
    min: 1,
    max: 1,
    build: (b) => ({ sql: bucket(b, 0, b.timestamp()), type: 'timestamp' }),
  },
  datefloor: {
    min: 2,
    max: 2,
    build: (b) => ({ sql: bucket(b, 1, b.arg(0).sql), type: 'timestamp' }),
  },
  dateceil: {
    min: 2,
    max: 2,
    build: (b) => {
      const t = b.arg(0).sql;
      const floor = bucket(b, 1, t);
      const period = interval(b, 1);
      return {
        sql: `(CASE WHEN ${floor} = ${t} THEN ${t} ELSE ${floor} + ${period} END)`,
        type: 'timestamp',
      };
    },
  },
  frommillis: {
    min: 1,
    max: 1,
    build: (b) => ({ sql: `make_timestamp(CAST(${b.arg(0).sql} AS BIGINT) * 1000)`, type: 'timestamp' }),
  },
  tomillis: { min: 1, max: 1, build: (b) => ({ sql: `epoch_ms(${b.arg(0).sql})`, type: 'number' }) },
  // IP
  isvalidip: { min: 1, max: 1, build: (b) => ({ sql: ipValidSql(asText(b.arg(0))), type: 'boolean' }) },
  isvalidipv4: { min: 1, max: 1, build: (b) => ({ sql: ipv4ValidSql(asText(b.arg(0))), type: 'boolean' }) },
  isvalidipv6: { min: 1, max: 1, build: (b) => ({ sql: ipv6ValidSql(asText(b.arg(0))), type: 'boolean' }) },
  isipinsubnet: subnet(undefined),
  isipv4insubnet: subnet(4),
  isipv6insubnet: subnet(6),
  // aggregates
  count: {
    min: 0,
    max: 1,
    aggregate: true,
    build: (b) => ({
      sql: b.call.star || b.call.args.length === 0 ? 'count(*)' : `count(${b.arg(0).sql})`,
      type: 'number',
    }),
  },
  count_distinct: {
    min: 1,
    max: 1,
    aggregate: true,
    build: (b) => ({ sql: `count(DISTINCT ${b.arg(0).sql})`, type: 'number' }),
  },
  sum: aggregate('sum', 'number'),
  avg: aggregate('avg', 'number'),
  min: aggregate('min', 'unknown'),
  max: aggregate('max', 'unknown'),
  stddev: aggregate('stddev_samp', 'number'),
  sortsfirst: aggregate('min', 'unknown'),
  sortslast: aggregate('max', 'unknown'),
  pct: {
    min: 2,
    max: 2,
    aggregate: true,
    build: (b) => {
      const p = b.call.args[1]!;
      if (p.kind !== 'number' || p.value < 0 || p.value > 100) {
        throw new QueryError(
          'pct() needs a percentile between 0 and 100 as its second argument',
          p.start,
          'e.g. pct(bytes, 95)',
        );
      }
      return { sql: `quantile_cont(${b.arg(0).sql}, ${b.ctx.bind(p.value / 100)})`, type: 'number' };
    },
  },
  earliest: {
    min: 1,
    max: 1,
    aggregate: true,
    build: (b) => ({ sql: `arg_min(${b.arg(0).sql}, ${b.timestamp()})`, type: 'unknown' }),
  },
  latest: {
    min: 1,
    max: 1,
    aggregate: true,
    build: (b) => ({ sql: `arg_max(${b.arg(0).sql}, ${b.timestamp()})`, type: 'unknown' }),
  },
};

export const FUNCTION_NAMES = Object.keys(FUNCTIONS);

export function compileCall(call: CallExpr, outer: ExprContext): Compiled {
  const spec = FUNCTIONS[call.name.toLowerCase()];
  if (spec === undefined) {
    const near = nearFieldNames(call.name, FUNCTION_NAMES);
    throw new QueryError(
      `unknown function ${call.name}()`,
      call.start,
      near.length > 0 ? `did you mean ${near.join(', ')}?` : 'see docs/query.md for the functions',
    );
  }
  const given = call.star ? 0 : call.args.length;
  if (given < spec.min || given > spec.max) {
    const wanted =
      spec.min === spec.max
        ? `${spec.min}`
        : spec.max === MAX_ARGS
          ? `at least ${spec.min}`
          : `${spec.min} to ${spec.max}`;
    throw new QueryError(`${call.name}() takes ${wanted} argument(s), got ${given}`, call.start);
  }
  if (call.star && call.name.toLowerCase() !== 'count')
    throw new QueryError(`only count() takes *`, call.start);
  if (spec.aggregate && outer.aggregates !== 'allowed') {
    throw new QueryError(
      outer.aggregates === 'inside'
        ? `${call.name}() cannot be nested in another aggregate`
        : `${call.name}() is an aggregate: use it in stats`,
      call.start,
      `e.g. stats ${call.name}(...) by srcAddr`,
    );
  }
  const ctx: ExprContext = spec.aggregate ? { ...outer, aggregates: 'inside' } : outer;
  const built = spec.build({
    call,
    ctx,
    arg: (i) => compileExpr(call.args[i]!, ctx),
    timestamp: () => ctx.resolve('@timestamp', call.start).sql,
  });
  const aggregate = spec.aggregate === true || call.args.some((a) => containsAggregate(a));
  return { ...built, aggregate };
}

function containsAggregate(e: Expr): boolean {
  switch (e.kind) {
    case 'call':
      return FUNCTIONS[e.name.toLowerCase()]?.aggregate === true || e.args.some(containsAggregate);
    case 'not':
    case 'negate':
      return containsAggregate(e.operand);
    case 'logical':
    case 'compare':
    case 'arith':
      return containsAggregate(e.left) || containsAggregate(e.right);
    case 'match':
    case 'in':
      return containsAggregate(e.subject);
    case 'field':
    case 'number':
    case 'string':
    case 'duration':
      return false;
  }
}
