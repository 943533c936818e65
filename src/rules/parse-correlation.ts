// The `correlation` section of a Sigma correlation rule: type, rules, group-by, timespan,
// condition (and `generate`). References and fields are resolved later, once every file is
// loaded (link.ts), because a correlation may name rules in other files.

import type { Node, Pair } from 'yaml';
import type { CompareOp, CorrelationRule, CorrelationType, Position, RuleMeta } from './types.ts';
import { type YNode, type YamlReader, didYouMean } from './yaml-reader.ts';

const TYPES: CorrelationType[] = ['event_count', 'value_count', 'temporal', 'temporal_ordered'];
const OPS: CompareOp[] = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'];
const KEYS = ['type', 'rules', 'group-by', 'timespan', 'condition', 'generate', 'min-count', 'aliases'];
/** Longest timespan: state is bounded by the groups of one window per rule. */
const MAX_TIMESPAN_SECONDS = 7 * 86400;

/** Where a correlation's parts were written, for problems found at link time. */
export const correlationPositions = new WeakMap<CorrelationRule, Record<string, Position>>();

export function parseTimespan(text: string): number | null {
  const m = /^(\d+)\s*([smhd])$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]) * ({ s: 1, m: 60, h: 3600, d: 86400 } as const)[m[2] as 's' | 'm' | 'h' | 'd'];
  return n > 0 && n <= MAX_TIMESPAN_SECONDS ? n : null;
}

export function parseCorrelation(
  r: YamlReader,
  p: Pair<Node, YNode>,
  meta: RuleMeta | null,
): CorrelationRule | null {
  const where = r.at(p);
  const node = p.value;
  if (!r.isMap(node)) {
    r.problem(where, '"correlation" must be a map', 'give type, rules, group-by, timespan and condition');
    return null;
  }
  const before = r.problems.length;
  const positions: Record<string, Position> = { correlation: where };
  for (const kp of r.pairs(node)) {
    const k = r.key(kp);
    positions[k] = r.at(kp);
    if (!KEYS.includes(k))
      r.problem(r.at(kp), `unknown correlation key "${k}"${didYouMean(k, KEYS)}`, `keys: ${KEYS.join(', ')}`);
  }
  const type = r.text(r.child(node, 'type'), 'correlation.type', true, where) as CorrelationType | undefined;
  if (type !== undefined && !TYPES.includes(type)) {
    r.problem(
      positions.type ?? where,
      `correlation type "${type}" is not supported${didYouMean(type, TYPES)}`,
      `use one of ${TYPES.join(', ')}`,
    );
  }
  const rules = stringList(r, r.child(node, 'rules'), 'rules', where, true);
  const groupBy = stringList(r, r.child(node, 'group-by'), 'group-by', where, false);
  const tsText = r.text(r.child(node, 'timespan'), 'correlation.timespan', true, where);
  const timespan = tsText === undefined ? null : parseTimespan(tsText);
  if (tsText !== undefined && timespan === null) {
    r.problem(
      positions.timespan ?? where,
      `timespan "${tsText}" is not a duration`,
      'write e.g. 30s, 5m, 1h or 1d (at most 7d)',
    );
  }
  const cond = parseCompare(r, r.child(node, 'condition'), type, rules?.length ?? 0, where);
  if (type === 'value_count' && cond?.field === null) {
    r.problem(
      positions.condition ?? where,
      'value_count needs "field" in its condition',
      'e.g. "condition: {gt: 20, field: dst_port}"',
    );
  }
  const minCounts = (rules ?? []).map(() => 1);
  const mc = r.child(node, 'min-count');
  if (mc !== undefined) {
    if (type !== 'temporal_ordered')
      r.problem(r.at(mc), '"min-count" applies to temporal_ordered only', 'remove it');
    for (const kp of r.pairs(mc.value)) {
      const i = (rules ?? []).indexOf(r.key(kp));
      const n = r.scalar(kp.value);
      if (i < 0)
        r.problem(
          r.at(kp),
          `"${r.key(kp)}" is not one of this correlation's rules`,
          `rules: ${(rules ?? []).join(', ')}`,
        );
      else if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1000)
        r.problem(
          r.at(kp.value, where),
          'min-count must be a whole number from 1 to 1000',
          'e.g. "min-count: {ssh_failed: 5}"',
        );
      else minCounts[i] = n;
    }
  }
  const gen = r.child(node, 'generate');
  const generate = gen === undefined ? false : r.scalar(gen.value);
  if (typeof generate !== 'boolean')
    r.problem(r.at(gen, where), 'generate must be true or false', 'or leave it out (false)');
  if (
    r.problems.length !== before ||
    meta === null ||
    type === undefined ||
    rules === null ||
    groupBy === null
  )
    return null;
  if (timespan === null || cond === null || typeof generate !== 'boolean') return null;
  const rule: CorrelationRule = {
    ...meta,
    kind: 'correlation',
    type,
    rules,
    groupBy,
    timespanSeconds: timespan,
    compare: { op: cond.op, value: cond.value },
    valueField: cond.field,
    minCounts,
    generate,
  };
  correlationPositions.set(rule, positions);
  return rule;
}

function stringList(
  r: YamlReader,
  p: Pair<Node, YNode> | undefined,
  what: string,
  where: Position,
  required: boolean,
): string[] | null {
  if (p === undefined) {
    if (!required) return [];
    r.problem(where, `missing correlation "${what}"`, `add "${what}: [...]"`);
    return null;
  }
  const items = r.isSeq(p.value) ? r.items(p.value) : [p.value];
  const out: string[] = [];
  for (const it of items) {
    const v = r.scalar(it);
    if (typeof v !== 'string' || v === '') {
      r.problem(r.at(it, r.at(p)), `"${what}" entries must be names`, `write "${what}: [name1, name2]"`);
      return null;
    }
    out.push(v);
  }
  if (required && out.length === 0) {
    r.problem(r.at(p), `"${what}" is empty`, 'name at least one rule (by id or name)');
    return null;
  }
  return out;
}

function parseCompare(
  r: YamlReader,
  p: Pair<Node, YNode> | undefined,
  type: CorrelationType | undefined,
  ruleCount: number,
  where: Position,
): { op: CompareOp; value: number; field: string | null } | null {
  if (p === undefined) {
    if (type === 'temporal' || type === 'temporal_ordered')
      return { op: 'gte', value: ruleCount, field: null };
    r.problem(where, 'missing correlation "condition"', 'e.g. "condition: {gte: 10}"');
    return null;
  }
  let op: CompareOp | null = null;
  let value = NaN;
  let field: string | null = null;
  for (const kp of r.pairs(p.value)) {
    const k = r.key(kp);
    const v = r.scalar(kp.value);
    if (k === 'field') {
      if (typeof v !== 'string') r.problem(r.at(kp), 'field must be a field name', 'e.g. field: dst_port');
      else field = v;
    } else if ((OPS as string[]).includes(k)) {
      if (op !== null)
        r.problem(r.at(kp), 'the condition has two comparisons', 'use one of gt, gte, lt, lte, eq, neq');
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
        r.problem(r.at(kp.value, where), `"${k}" needs a whole number`, 'e.g. gte: 10');
      op = k as CompareOp;
      value = Number(v);
    } else {
      r.problem(
        r.at(kp),
        `unknown condition key "${k}"${didYouMean(k, OPS)}`,
        `use one of ${OPS.join(', ')} and field`,
      );
    }
  }
  if (op === null) {
    r.problem(r.at(p), 'the condition needs a comparison', 'e.g. "condition: {gte: 10}"');
    return null;
  }
  return { op, value, field };
}
