// Hunting over stored data: a detection rule's matching records, or a correlation's groups that
// meet its condition, from the store with bound parameters. Correlations group by the same
// epoch-aligned windows as the streaming engine and decide with the same functions
// (correlation.ts), so a hunt and a live run agree on the same records.

import { UserError } from '../core/errors.ts';
import type { SqlValue } from '../store/store.ts';
import { compileRuleSql, fieldTextSql, ruleTable } from './compile-sql.ts';
import { compare, insertTime, observedValue } from './correlation.ts';
import { resolveField } from './fields.ts';
import type { CorrelationRule, DetectionRule, Rule } from './types.ts';

export interface QueryRunner {
  all(sql: string, params?: readonly SqlValue[]): Promise<Record<string, unknown>[]>;
}

export interface HuntRange {
  /** Unix seconds, inclusive. */
  from: number;
  /** Unix seconds, exclusive. */
  to: number;
}

export interface CorrelationHit {
  windowStart: number;
  group: (string | null)[];
  observed: number;
}

/** Why a hunt cannot run, in words for the user; null when it can. */
export async function huntBlocker(db: QueryRunner, rules: readonly DetectionRule[]): Promise<string | null> {
  if (!rules.some((r) => r.records === 'event')) return null;
  const [row] = await db.all(
    `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'events'`,
  );
  return Number(row?.n ?? 0) > 0
    ? null
    : 'this data directory has no events table yet (it was created before events were stored): event rules cannot be hunted here; import the logs again with a current version, or use `rules test --with FILE`';
}

const RECORD_COLUMNS = {
  flow: `epoch(time) AS t, src_ip, src_port, dst_ip, dst_port, proto, packets, bytes, action, resource, source`,
  event: `epoch(time) AS t, kind, outcome, src_ip, src_port, dst_ip, dst_port, "user", host, source, message`,
} as const;

/** Matching records of a detection rule, oldest first, at most `limit`, and how many there are. */
export async function huntDetection(
  db: QueryRunner,
  rule: DetectionRule,
  range: HuntRange,
  limit: number,
): Promise<{ total: number; rows: Record<string, unknown>[] }> {
  const w = compileRuleSql(rule);
  const where = `time >= to_timestamp(?) AND time < to_timestamp(?) AND ${w.sql}`;
  const params: SqlValue[] = [range.from, range.to, ...w.params];
  const [count] = await db.all(`SELECT count(*) AS n FROM ${ruleTable(rule)} WHERE ${where}`, params);
  const rows = await db.all(
    `SELECT ${RECORD_COLUMNS[rule.records]} FROM ${ruleTable(rule)} WHERE ${where} ORDER BY time, src_ip, dst_ip, src_port, dst_port LIMIT ?`,
    [...params, limit],
  );
  return { total: Number(count?.n ?? 0), rows };
}

/** Groups of a correlation that meet its condition, by window and group. */
export async function huntCorrelation(
  db: QueryRunner,
  rule: CorrelationRule,
  bases: readonly DetectionRule[],
  range: HuntRange,
): Promise<CorrelationHit[]> {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  bases.forEach((base, position) => {
    const w = compileRuleSql(base);
    const groups = rule.groupBy.map((f, k) => `${fieldTextSql(resolveField(f, base.records)!)} AS g${k}`);
    const vf = rule.valueField === null ? null : resolveField(rule.valueField, base.records);
    const value = vf === null ? 'NULL' : fieldTextSql(vf);
    parts.push(
      `SELECT ${position} AS r, epoch(time) AS t, ${[...groups, `${value} AS v`].join(', ')} FROM ${ruleTable(base)}
       WHERE time >= to_timestamp(?) AND time < to_timestamp(?) AND ${w.sql}`,
    );
    params.push(range.from, range.to, ...w.params);
  });
  const gcols = rule.groupBy.map((_, k) => `g${k}`);
  const ts = rule.timespanSeconds;
  const rows = await db.all(
    `SELECT floor(t / ${ts}) * ${ts} AS w, ${[...gcols, ''].join(', ')}
       count(*) AS n, list(DISTINCT v) FILTER (WHERE v IS NOT NULL) AS vs, list({'r': r, 't': t}) AS rt
     FROM (${parts.join(' UNION ALL ')}) GROUP BY ALL`,
    params,
  );
  const hits: CorrelationHit[] = [];
  for (const row of rows) {
    const times: number[][] = rule.rules.map(() => []);
    for (const x of (row.rt as { r: number; t: number }[] | null) ?? [])
      insertTime(times[Number(x.r)]!, Number(x.t));
    const state = {
      count: Number(row.n),
      values: new Set(((row.vs as unknown[] | null) ?? []).map(String)),
      times,
    };
    const observed = observedValue(rule, state);
    if (!compare(observed, rule.compare.op, rule.compare.value)) continue;
    hits.push({
      windowStart: Number(row.w),
      group: gcols.map((g) => (row[g] === null || row[g] === undefined ? null : String(row[g]))),
      observed,
    });
  }
  return hits.sort(
    (a, b) => a.windowStart - b.windowStart || JSON.stringify(a.group).localeCompare(JSON.stringify(b.group)),
  );
}

/** The detection rules a rule needs to run: itself, or a correlation's referenced rules. */
export function basesOf(rule: Rule, all: readonly Rule[]): DetectionRule[] {
  if (rule.kind === 'detection') return [rule];
  return rule.rules
    .map((ref) => all.find((r) => r.id === ref) ?? all.find((r) => r.name === ref))
    .filter((r): r is DetectionRule => r !== undefined && r.kind === 'detection');
}

/** What a hunt found for one rule: a detection's matching records, or a correlation's groups. */
export type HuntResult =
  | { rule: string; title: string; kind: 'detection'; matches: number; records: Record<string, unknown>[] }
  | {
      rule: string;
      title: string;
      kind: 'correlation';
      groupBy: string[];
      condition: string;
      groups: CorrelationHit[];
    };

/** Hunts each chosen rule (correlations look up their rules in `all`); the CLI and the API both call it. */
export async function runHunt(
  db: QueryRunner,
  chosen: readonly Rule[],
  all: readonly Rule[],
  range: HuntRange,
  limit: number,
): Promise<HuntResult[]> {
  const out: HuntResult[] = [];
  for (const r of chosen) {
    const bases = basesOf(r, all);
    const blocker = await huntBlocker(db, bases);
    if (blocker !== null)
      throw new UserError(`rule ${r.id}: ${blocker}`, { hint: 'see docs/rules.md, "Hunting"' });
    if (r.kind === 'detection') {
      const h = await huntDetection(db, r, range, limit);
      out.push({ rule: r.id, title: r.title, kind: 'detection', matches: h.total, records: h.rows });
    } else {
      out.push({
        rule: r.id,
        title: r.title,
        kind: 'correlation',
        groupBy: [...r.groupBy],
        condition: `${r.compare.op} ${r.compare.value}`,
        groups: await huntCorrelation(db, r, bases, range),
      });
    }
  }
  return out;
}
