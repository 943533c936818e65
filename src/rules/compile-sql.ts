// Selections and conditions -> a SQL WHERE clause over the `flows` view or the `events` table,
// every value a bound `?` parameter, identifiers only from the field table. Each leaf is wrapped
// in coalesce(..., false) so NOT never meets SQL's NULL logic: the same matches as the streaming
// predicates (compile-flow.ts, compile-event.ts) on the same records.

import { parseIpv4 } from '../core/ip.ts';
import type { SqlValue } from '../store/store.ts';
import type { FieldDef } from './fields.ts';
import type { Condition, DetectionRule, FieldTest, Selection } from './types.ts';

export interface SqlWhere {
  sql: string;
  params: SqlValue[];
}

/** Table (or view) a rule's records live in. */
export function ruleTable(rule: DetectionRule): 'flows' | 'events' {
  return rule.records === 'flow' ? 'flows' : 'events';
}

export function compileRuleSql(rule: DetectionRule): SqlWhere {
  const params: SqlValue[] = [];
  const parts = [condition(rule.condition, rule.selections, params)];
  for (const a of rule.allow) parts.push(`NOT ${selection(a, params)}`);
  if (rule.records === 'event' && rule.eventKind !== null) {
    parts.unshift('kind = ?');
    params.unshift(rule.eventKind);
  }
  return { sql: parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`, params };
}

function condition(c: Condition, sels: Map<string, Selection>, params: SqlValue[]): string {
  switch (c.kind) {
    case 'sel':
      return selection(sels.get(c.name)!, params);
    case 'not':
      return `(NOT ${condition(c.item, sels, params)})`;
    case 'and':
    case 'or':
      return `(${c.items.map((x) => condition(x, sels, params)).join(c.kind === 'and' ? ' AND ' : ' OR ')})`;
    default: {
      const never: never = c;
      throw new Error(`unexpected condition ${String(never)}`);
    }
  }
}

function selection(s: Selection, params: SqlValue[]): string {
  const alts = s.alternatives.map((tests) => `(${tests.map((t) => test(t, params)).join(' AND ')})`);
  return alts.length === 1 ? alts[0]! : `(${alts.join(' OR ')})`;
}

function test(t: FieldTest, params: SqlValue[]): string {
  const parts = t.values.map((v) => `coalesce(${value(t.field, t.op, v, params)}, false)`);
  return parts.length === 1 ? parts[0]! : `(${parts.join(t.all ? ' AND ' : ' OR ')})`;
}

const q = (name: string): string => `"${name}"`;

/** The column (or expression) holding a field's value; our own constants only. */
export function fieldSql(field: FieldDef): string {
  if (field.flow) {
    switch (field.flow.col) {
      case 'action':
        return 'action_code';
      case 'direction':
        return 'direction_code';
      default:
        return q(field.name);
    }
  }
  const prop = field.event!;
  // The JSON path is a constant built from a checked key ([A-Za-z0-9_.-]), quoted for JSON.
  if (prop.startsWith('fields.')) return `json_extract_string("fields", '$."${prop.slice(7)}"')`;
  return q(prop);
}

/** A field's value as text, as group-by keys and value_count see it (see flowValueText/eventValueText). */
export function fieldTextSql(field: FieldDef): string {
  if (field.flow && (field.flow.col === 'action' || field.flow.col === 'direction')) return q(field.name);
  return `CAST(${fieldSql(field)} AS VARCHAR)`;
}

/** IPv4 text -> integer in SQL (NULL when the text is not dotted IPv4). */
const ip4FromText = (col: string): string =>
  `CASE WHEN regexp_full_match(${col}, '\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}') THEN ` +
  `(CAST(split_part(${col}, '.', 1) AS BIGINT) * 16777216 + CAST(split_part(${col}, '.', 2) AS BIGINT) * 65536 + ` +
  `CAST(split_part(${col}, '.', 3) AS BIGINT) * 256 + CAST(split_part(${col}, '.', 4) AS BIGINT)) END`;

function value(field: FieldDef, op: FieldTest['op'], v: string | number | null, params: SqlValue[]): string {
  const flowIp = field.flow && (field.flow.col === 'srcIp' || field.flow.col === 'dstIp');
  const col = fieldSql(field);
  if (flowIp && (op === 'eq' || op === 'cidr')) {
    const side = field.name === 'src_ip' ? 'src' : 'dst';
    if (v === null) return 'false';
    if (op === 'eq') {
      const n = parseIpv4(String(v));
      params.push(n >= 0 ? n : String(v));
      return n >= 0 ? `(${side}_ip6 IS NULL AND ${side}_ip4 = ?)` : `${side}_ip6 = ?`;
    }
    const [start, end] = cidrRange(String(v));
    params.push(start, end);
    return `(${side}_ip6 IS NULL AND ${side}_ip4 BETWEEN ? AND ?)`;
  }
  switch (op) {
    case 'eq':
      if (v === null) return `${col} IS NULL`;
      params.push(v);
      return field.type === 'text' ? `lower(${col}) = ?` : `${col} = ?`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      params.push(Number(v));
      return `${col} ${{ gt: '>', gte: '>=', lt: '<', lte: '<=' }[op]} ?`;
    case 'like':
      params.push(`(?is)${String(v)}`);
      return `regexp_full_match(${fieldTextSql(field)}, ?)`;
    case 're':
      params.push(String(v));
      return `regexp_matches(${fieldTextSql(field)}, ?)`;
    case 'cidr': {
      const [start, end] = cidrRange(String(v));
      params.push(start, end);
      return `(${ip4FromText(col)} BETWEEN ? AND ?)`;
    }
    default: {
      const never: never = op;
      throw new Error(`unexpected op ${String(never)}`);
    }
  }
}

function cidrRange(text: string): [number, number] {
  const [base = '', bits = '32'] = text.split('/');
  const size = 2 ** (32 - Number(bits));
  const lo = parseIpv4(base);
  const start = lo - (lo % size);
  return [start, start + size - 1];
}
