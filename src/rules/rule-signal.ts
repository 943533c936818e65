// A rule's match (one window of a detection rule, or a correlation group that met its
// condition) as a Signal for the findings stage, and the SQL that shows its records.

import type { Signal } from '../findings/finding.ts';
import type { SqlValue } from '../store/store.ts';
import { compileRuleSql, ruleTable } from './compile-sql.ts';
import type { DetectionRule, Rule } from './types.ts';

export interface MatchFacts {
  src: string | null;
  dst: string | null;
  srcInternal: boolean;
  dstInternal: boolean;
  resourceId: string | null;
  first: number;
  last: number;
  samples: string[];
}

const lit = (v: SqlValue): string =>
  typeof v === 'number' ? String(v) : v === null ? 'NULL' : `'${String(v).replace(/'/g, "''")}'`;

/**
 * SQL for people (evidence, `rules hunt --sql`): the rule's query with its values written in.
 * Our code never runs this text; it runs compileRuleSql's parameterised form.
 */
/** The rule's WHERE clause with its values written in, made once per rule. */
const whereText = new WeakMap<DetectionRule, string>();

export function displaySql(
  rule: DetectionRule,
  from: number,
  to: number,
  extra: { src?: string; dst?: string } = {},
): string {
  let where = whereText.get(rule);
  if (where === undefined) {
    const w = compileRuleSql(rule);
    let k = 0;
    where = w.sql.replace(/\?/g, () => lit(w.params[k++] ?? null));
    whereText.set(rule, where);
  }
  const ends = [`time >= to_timestamp(${from})`, `time < to_timestamp(${to})`];
  if (extra.src !== undefined) ends.push(`src_ip = ${lit(extra.src)}`);
  if (extra.dst !== undefined) ends.push(`dst_ip = ${lit(extra.dst)}`);
  return `SELECT * FROM ${ruleTable(rule)} WHERE ${where} AND ${ends.join(' AND ')} ORDER BY time`;
}

export function ruleSignal(
  rule: Rule,
  m: MatchFacts,
  window: { start: number; end: number },
  observed: number,
  threshold: number,
  query: string,
  detail: Signal['detail'],
): Signal {
  const ours = m.srcInternal && !m.dstInternal;
  const resourceIp = (ours ? m.src : (m.dst ?? m.src)) ?? m.resourceId ?? 'unknown';
  const actorIp = (ours ? m.dst : m.src) ?? '0.0.0.0';
  const what = rule.kind === 'detection' ? `${observed} matching record(s)` : `${rule.type} ${observed}`;
  return {
    type: rule.findingType,
    severity: rule.severity,
    resource: { ip: resourceIp, id: m.resourceId },
    actor: { ip: actorIp, port: null },
    role: ours ? 'actor' : 'target',
    discriminator: `rule:${rule.id}${detail.group === undefined ? '' : `:${String(detail.group)}`}`,
    title: rule.title,
    description: `${rule.description ? `${rule.description} ` : ''}(rule ${rule.id}: ${what} between ${m.src ?? '-'} and ${m.dst ?? '-'})`,
    threshold,
    observed,
    windowStart: window.start,
    windowEnd: window.end,
    sample: m.samples.slice(0, 20),
    query,
    firstSeen: m.first,
    lastSeen: m.last,
    detail: { rule: rule.id, ruleFile: rule.file, tags: rule.tags, level: rule.level, ...detail },
    detector: 'rules',
  };
}
