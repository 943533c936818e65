// Pipe query -> one DuckDB SELECT over `flow_records`, with every user literal a bound `$n`
// parameter. Commands are applied in order to a "stage" (one SELECT being built). A command
// that cannot join the current SELECT (a filter after stats, stats after sort...) seals the
// stage into a subquery and starts a new stage whose fields are the sealed stage's columns.

import type { Command, ParsePattern, Projection } from './ast.ts';
import { compileExpr, type ExprContext } from './expr-sql.ts';
import { captureGroups, globToRegex, toRe2 } from './patterns.ts';
import { nearFieldNames, UNSUPPORTED_SYSTEM_FIELDS, type FieldDef } from './fields.ts';
import { parsePipeQuery } from './parser.ts';
import { QueryError } from './query-error.ts';
import { RELATIONS, type Relation } from './relations.ts';
import { dedupSelectSql, quoteIdent, selectSql, type OrderKey, type SelectParts } from './select-sql.ts';

export type SqlValue = string | number | boolean | null;

export interface CompiledQuery {
  sql: string;
  /** Values for `$1`, `$2`, ... in order: pass as `connection.run(sql, params)`. */
  params: SqlValue[];
  /** Result column names, in order, when the compiler knows them. */
  columns?: string[];
}

/**
 * The relation pipe queries read by default: `flows` plus the coverage-gap rows (see
 * docs/data-model.md); `source events` reads the log events instead (relations.ts).
 */
export const PIPE_SOURCE = RELATIONS.flows.from;
export const DEFAULT_LIMIT = 10_000;
export const MAX_LIMIT = 100_000;

interface Output extends FieldDef {
  name: string;
}

interface Dedup {
  keys: string[];
  order: OrderKey[];
}

interface Stage {
  from: string;
  /** True while reading the relation directly: its whole alias table is in scope. */
  base: boolean;
  /** Columns of the sealed SELECT this stage reads (empty for the base stage). */
  inherited: Output[];
  /** Names defined in this stage (fields ... as, parse, sealed columns), lower-cased. */
  scope: Map<string, FieldDef>;
  where: string[];
  fields: Output[];
  display: Output[] | undefined;
  extracted: Output[];
  stats: { groups: Output[]; aggregates: Output[] } | undefined;
  orderBy: OrderKey[] | undefined;
  dedup: Dedup | undefined;
  limit: string | undefined;
}

/** The columns of a sealed SELECT, as seen from the SELECT around it. */
function columnsOf(columns: Output[]): Output[] {
  return columns.map((c) => ({
    name: c.name,
    sql: quoteIdent(c.name),
    type: c.type,
    ...(c.values ? { values: c.values } : {}),
  }));
}

function scopeOf(columns: Output[]): Map<string, FieldDef> {
  return new Map(columnsOf(columns).map(({ name, ...def }) => [name.toLowerCase(), def]));
}

function newStage(from: string, base: boolean, columns: Output[]): Stage {
  return {
    from,
    base,
    inherited: columnsOf(columns),
    scope: scopeOf(columns),
    where: [],
    fields: [],
    display: undefined,
    extracted: [],
    stats: undefined,
    orderBy: undefined,
    dedup: undefined,
    limit: undefined,
  };
}

function putOutput(list: Output[], out: Output): void {
  const i = list.findIndex((o) => o.name.toLowerCase() === out.name.toLowerCase());
  if (i >= 0) list[i] = out;
  else list.push(out);
}

class Compiler {
  private readonly params: SqlValue[] = [];
  private relation: Relation = RELATIONS.flows;
  private stage: Stage = newStage(PIPE_SOURCE, true, []);
  private sealed = 0;
  private parses = 0;
  private text = '';

  readonly bind = (value: string | number): string => {
    this.params.push(value);
    return `$${this.params.length}`;
  };

  compile(text: string): CompiledQuery {
    this.text = text;
    const { commands: all } = parsePipeQuery(text);
    const [head] = all;
    if (head?.kind === 'source') {
      this.relation = RELATIONS[head.relation];
      this.stage = newStage(this.relation.from, true, []);
    }
    const commands = head?.kind === 'source' ? all.slice(1) : all;
    const misplaced = commands.find((c) => c.kind === 'source');
    if (misplaced !== undefined)
      throw new QueryError(
        'source must be the first command',
        misplaced.start,
        'start the query with it: source events | filter ...',
      );
    commands.forEach((c, i) => {
      const after = commands.slice(i + 1).find((n) => c.kind === 'dedup' && n.kind !== 'limit');
      if (after !== undefined)
        throw new QueryError(
          `only limit may follow dedup; found ${after.kind}`,
          after.start,
          'move dedup to the end',
        );
      this.apply(c);
    });
    const columns = this.outputs(this.stage).map((o) => o.name);
    const sql = this.selectSql(this.stage, true);
    return { sql, params: this.params, columns };
  }

  private context(aggregates: ExprContext['aggregates']): ExprContext {
    const stage = this.stage;
    return {
      bind: this.bind,
      aggregates,
      columnNamed: (call) =>
        stage.base ? undefined : stage.scope.get(this.text.slice(call.start, call.end).trim().toLowerCase()),
      resolve: (name, offset) => {
        const local = stage.scope.get(name.toLowerCase());
        if (local) return local;
        const base = stage.base ? this.relation.lookup(name) : undefined;
        if (base) return base;
        if (UNSUPPORTED_SYSTEM_FIELDS.includes(name))
          throw new QueryError(
            `the system field ${name} does not exist here`,
            offset,
            'use @timestamp, @message or @logStream',
          );
        const known = [...stage.scope.keys(), ...(stage.base ? this.relation.names() : [])];
        const near = nearFieldNames(name, known);
        const hint =
          near.length > 0
            ? `did you mean ${near.join(', ')}?`
            : stage.base
              ? `see docs/query.md for the field names of ${this.relation === RELATIONS.events ? 'events' : 'flows'}`
              : `fields available here: ${[...stage.scope.keys()].join(', ')}`;
        throw new QueryError(`unknown field "${name}"`, offset, hint);
      },
    };
  }

  private rowExpr(p: Projection | { expr: Projection['expr'] }): FieldDef {
    const c = compileExpr(p.expr, this.context('forbidden'));
    return {
      sql: c.sql,
      type: c.type,
      ...(c.values ? { values: c.values } : {}),
      ...(c.ip ? { ip: c.ip } : {}),
    };
  }

  private projections(items: Projection[]): Output[] {
    return items.map((p) => {
      const def = this.rowExpr(p);
      const out: Output = { ...def, name: p.alias ?? p.text };
      this.stage.scope.set(out.name.toLowerCase(), def);
      return out;
    });
  }

  private apply(c: Command): void {
    const s = this.stage;
    switch (c.kind) {
      case 'fields':
      case 'display': {
        if (s.stats || s.orderBy || s.limit) this.seal();
        const outs = this.projections(c.items);
        if (c.kind === 'display') this.stage.display = outs;
        else for (const o of outs) putOutput(this.stage.fields, o);
        return;
      }
      case 'filter': {
        if (s.stats || s.orderBy || s.limit) this.seal();
        this.stage.where.push(this.rowExpr({ expr: c.condition }).sql);
        return;
      }
      case 'parse': {
        if (s.stats || s.orderBy || s.limit) this.seal();
        this.parse(c.source, c.pattern, c.names);
        return;
      }
      case 'stats': {
        if (s.stats || s.orderBy || s.limit) this.seal();
        const groups = this.projections(c.by);
        const ctx = this.context('allowed');
        const aggregates = c.aggregates.map((p): Output => {
          const e = compileExpr(p.expr, ctx);
          if (!e.aggregate)
            throw new QueryError(
              `"${p.text}" is not an aggregate`,
              p.start,
              'stats takes aggregates (count(*), sum(bytes), ...) and groups them with by',
            );
          return { name: p.alias ?? p.text, sql: e.sql, type: e.type };
        });
        const seen = new Set<string>();
        [...c.by, ...c.aggregates].forEach((p, i) => {
          const name = [...groups, ...aggregates][i]!.name.toLowerCase();
          if (seen.has(name))
            throw new QueryError(`stats names two columns "${name}"`, p.start, 'rename one with as');
          seen.add(name);
        });
        const st = this.stage;
        st.stats = { groups, aggregates };
        // What follows in this SELECT (sort) names the result columns.
        st.base = false;
        st.scope = scopeOf([...groups, ...aggregates]);
        return;
      }
      case 'sort': {
        if (s.limit) this.seal();
        const ctx = this.context('forbidden');
        this.stage.orderBy = c.keys.map((k) => ({
          sql: compileExpr(k.expr, ctx).sql,
          descending: k.descending,
        }));
        return;
      }
      case 'limit': {
        if (c.count > MAX_LIMIT)
          throw new QueryError(
            `limit ${c.count} is above the maximum of ${MAX_LIMIT}`,
            c.start,
            'narrow the query with filter or stats',
          );
        if (s.limit) this.seal();
        this.stage.limit = this.bind(c.count);
        return;
      }
      case 'source':
        return; // taken before the commands are applied
      case 'dedup': {
        if (s.stats || s.limit) this.seal();
        const ctx = this.context('forbidden');
        const keys = c.keys.map((k) => compileExpr(k, ctx).sql);
        let order = this.stage.orderBy;
        if (order === undefined) order = this.stage.base ? [{ sql: 'time', descending: true }] : [];
        this.stage.dedup = { keys, order };
        return;
      }
    }
  }

  private parse(source: Projection['expr'], pattern: ParsePattern, names: string[]): void {
    const src = compileExpr(source, this.context('forbidden'));
    const text = src.type === 'text' ? src.sql : `CAST(${src.sql} AS VARCHAR)`;
    let regex: string;
    let groups: number[];
    switch (pattern.kind) {
      case 'glob':
        regex = globToRegex(pattern.text);
        groups = names.map((_n, i) => i + 1);
        break;
      case 'regex': {
        regex = toRe2(pattern.pattern);
        const index = captureGroups(pattern.pattern);
        groups = names.map((n) => {
          const g = index.get(n);
          if (g === undefined)
            throw new QueryError(`cannot locate the group "${n}" in the parse regex`, source.start);
          return g;
        });
        break;
      }
    }
    const re = this.bind(regex);
    // The parsed text (often the long @message expression) is computed once, in a pass-through
    // subquery; the stage's filters and fields still see every column through `*`.
    this.parses++;
    const column = quoteIdent(`__parse${this.parses}`);
    this.stage.from = `(SELECT *, ${text} AS ${column} FROM ${this.stage.from}) AS p${this.parses}`;
    names.forEach((name, i) => {
      const def: FieldDef = {
        sql: `(CASE WHEN regexp_matches(${column}, ${re}) THEN regexp_extract(${column}, ${re}, ${groups[i]}) END)`,
        type: 'text',
      };
      this.stage.scope.set(name.toLowerCase(), def);
      putOutput(this.stage.extracted, { ...def, name });
    });
  }

  /** Result columns of a stage. */
  private outputs(s: Stage): Output[] {
    if (s.stats) return [...s.stats.groups, ...s.stats.aggregates];
    if (s.display) return s.display;
    if (s.fields.length > 0) return s.fields;
    if (!s.base)
      return [
        ...s.inherited.filter((c) => !s.extracted.some((e) => e.name.toLowerCase() === c.name.toLowerCase())),
        ...s.extracted,
      ];
    const at = (n: string): Output => ({ ...this.relation.lookup(n)!, name: n });
    return [at('@timestamp'), at('@message'), ...s.extracted];
  }

  private seal(): void {
    const s = this.stage;
    const columns = this.outputs(s);
    const sql = this.selectSql(s, false);
    this.sealed++;
    this.stage = newStage(`(${sql}) AS s${this.sealed}`, false, columns);
  }

  private selectSql(s: Stage, final: boolean): string {
    const outs = this.outputs(s);
    let order = s.orderBy;
    if (order === undefined && final && s.base && !s.stats) order = [{ sql: 'time', descending: true }];
    const parts: SelectParts = {
      list: outs.map((o) => `${o.sql} AS ${quoteIdent(o.name)}`),
      from: s.from,
      where: s.where,
      groupBy: s.stats?.groups.length ?? 0,
      order: order ?? [],
      limit: s.limit ?? (final ? this.bind(DEFAULT_LIMIT) : undefined),
    };
    return s.dedup === undefined ? selectSql(parts) : dedupSelectSql(parts, s.dedup.keys, s.dedup.order);
  }
}

/** Compiles a Logs-Insights-style pipe query to DuckDB SQL over `flow_records` (or `events`). */
export function compilePipeQuery(text: string): CompiledQuery {
  return new Compiler().compile(text);
}
