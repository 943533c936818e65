// Which records a flow rule can match at all, so the engine tries it only on those
// (dispatch.ts). For each indexable field the condition is read as a set of values every match
// must have: `and` intersects, `or` and selection lists unite, `not` and text patterns give no
// requirement. The rule is filed under the field whose set is the smallest share of its domain
// (a /32 before a port, a port before a byte count). Sets are unions of half-open intervals
// [lo, hi) over the column's number (IPv4 as an integer) plus, for addresses, exact IPv6 text.
// A set may be larger than the values that match (the rule's own predicate decides), never
// smaller. Missing values (-1, NaN, null) are in no set. Allowlists only narrow a rule: ignored.
// A rule with none of these but a test on a text column (resource, source, vpc_id...) is filed
// under that column with the test its value must pass (dispatch.ts caches the answers per value).

import { parseIpv4 } from '../core/ip.ts';
import { type TextTest, textTest } from './compile-flow.ts';
import type { FieldDef } from './fields.ts';
import type { Condition, DetectionRule, FieldTest, Selection } from './types.ts';

export const INDEX_KEYS = [
  'src_ip',
  'dst_ip',
  'dst_port',
  'src_port',
  'proto',
  'action',
  'direction',
  'tcp_flags',
  'packets',
  'bytes',
] as const;
export type IndexKey = (typeof INDEX_KEYS)[number];

/** Size of each key's domain, to compare how selective two requirements are. */
const DOMAIN: Record<IndexKey, number> = {
  src_ip: 2 ** 32,
  dst_ip: 2 ** 32,
  dst_port: 65536,
  src_port: 65536,
  proto: 256,
  action: 3,
  direction: 3,
  tcp_flags: 256,
  packets: 2 ** 32,
  bytes: 2 ** 40,
};

/** Integer keys: bounds are rounded so the intervals are exact. */
const FLOAT_KEYS: ReadonlySet<IndexKey> = new Set(['packets', 'bytes']);

export interface ValueSet {
  /** Sorted, disjoint, non-adjacent half-open intervals; hi may be Infinity. */
  ranges: [number, number][];
  /** Canonical IPv6 addresses (address keys only). */
  v6: Set<string>;
}

/**
 * A second, cheap check before the rule's predicate: the hull [lo, hi) of the next most selective
 * IPv4 or number requirement (IPv4 guards also need an IPv4 row).
 */
export interface Guard {
  key: IndexKey;
  lo: number;
  hi: number;
}

export type RuleIndex =
  | { kind: 'values'; key: IndexKey; set: ValueSet; guard: Guard | null }
  | { kind: 'text'; field: FieldDef; test: TextTest };

/** What one field requires of a record, built the same way for value sets and text tests. */
interface Algebra<T> {
  fromTest(t: FieldTest): T | null;
  and(a: T, b: T): T;
  or(items: T[]): T;
}

/** The most selective key the rule can be filed under, or null (tried on every record). */
export function ruleIndex(rule: DetectionRule): RuleIndex | null {
  if (rule.records !== 'flow') return null;
  const found: { key: IndexKey; set: ValueSet; share: number }[] = [];
  for (const key of INDEX_KEYS) {
    const set = required(rule.condition, rule.selections, valueAlgebra(key));
    if (set !== null) found.push({ key, set, share: shareOf(set, key) });
  }
  found.sort((x, y) => x.share - y.share);
  const best = found[0];
  if (best !== undefined) {
    let guard: Guard | null = null;
    for (const { key, set } of found.slice(1)) {
      const first = set.ranges[0];
      const last = set.ranges[set.ranges.length - 1];
      if (set.v6.size > 0 || first === undefined || last === undefined) continue;
      const g = { key, lo: first[0], hi: last[1] };
      if (guard === null || hullShare(g) < hullShare(guard)) guard = g;
    }
    return { kind: 'values', key: best.key, set: best.set, guard };
  }
  for (const field of textFields(rule)) {
    const test = required(rule.condition, rule.selections, textAlgebra(field));
    if (test !== null) return { kind: 'text', field, test };
  }
  return null;
}

const hullShare = (g: Guard): number => shareOf({ ranges: [[g.lo, g.hi]], v6: new Set() }, g.key);

/** Text columns the rule's selections test, in the order they appear. */
function textFields(rule: DetectionRule): FieldDef[] {
  const out = new Map<string, FieldDef>();
  for (const sel of rule.selections.values())
    for (const tests of sel.alternatives)
      for (const t of tests)
        if (t.field.type === 'text' && t.field.flow !== undefined) out.set(t.field.name, t.field);
  return [...out.values()];
}

function textAlgebra(field: FieldDef): Algebra<TextTest> {
  return {
    fromTest(t) {
      if (t.field.name !== field.name || (t.op !== 'eq' && t.op !== 'like' && t.op !== 're')) return null;
      const op = t.op;
      const tests = t.values.map((v) => textTest(op, v === null ? null : String(v)));
      return t.all ? (s) => tests.every((f) => f(s)) : (s) => tests.some((f) => f(s));
    },
    and: (a, b) => (s) => a(s) && b(s),
    or: (items) => (s) => items.some((f) => f(s)),
  };
}

function valueAlgebra(key: IndexKey): Algebra<ValueSet> {
  return {
    fromTest: (t) => fromTest(t, key),
    and: intersect,
    or: unite,
  };
}

function shareOf(s: ValueSet, key: IndexKey): number {
  const domain = DOMAIN[key];
  let n = s.v6.size;
  for (const [lo, hi] of s.ranges) n += Math.min(hi, domain) - Math.min(lo, domain);
  return n / domain;
}

function required<T>(c: Condition, sels: Map<string, Selection>, alg: Algebra<T>): T | null {
  switch (c.kind) {
    case 'sel':
      return fromSelection(sels.get(c.name)!, alg);
    case 'not':
      return null;
    case 'and':
      return allOf(
        c.items.map((x) => required(x, sels, alg)),
        alg,
      );
    case 'or':
      return anyOf(
        c.items.map((x) => required(x, sels, alg)),
        alg,
      );
    default: {
      const never: never = c;
      throw new Error(`unexpected condition ${String(never)}`);
    }
  }
}

function fromSelection<T>(s: Selection, alg: Algebra<T>): T | null {
  return anyOf(
    s.alternatives.map((tests) =>
      allOf(
        tests.map((t) => alg.fromTest(t)),
        alg,
      ),
    ),
    alg,
  );
}

/** null items are "no requirement": an AND of them requires only what the others require. */
function allOf<T>(items: (T | null)[], alg: Algebra<T>): T | null {
  let out: T | null = null;
  for (const x of items) if (x !== null) out = out === null ? x : alg.and(out, x);
  return out;
}

/** An OR requires something only when every branch does. */
function anyOf<T>(items: (T | null)[], alg: Algebra<T>): T | null {
  if (items.length === 0 || items.some((x) => x === null)) return null;
  return items.length === 1 ? items[0]! : alg.or(items as T[]);
}

function unite(sets: ValueSet[]): ValueSet {
  return { ranges: normalise(sets.flatMap((s) => s.ranges)), v6: new Set(sets.flatMap((s) => [...s.v6])) };
}

function intersect(a: ValueSet, b: ValueSet): ValueSet {
  const ranges: [number, number][] = [];
  for (const [alo, ahi] of a.ranges)
    for (const [blo, bhi] of b.ranges) {
      const lo = Math.max(alo, blo);
      const hi = Math.min(ahi, bhi);
      if (lo < hi) ranges.push([lo, hi]);
    }
  return { ranges: normalise(ranges), v6: new Set([...a.v6].filter((v) => b.v6.has(v))) };
}

/** Sorts and merges overlapping or touching intervals. */
export function normalise(ranges: [number, number][]): [number, number][] {
  const sorted = [...ranges].sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && lo <= last[1]) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function fromTest(t: FieldTest, key: IndexKey): ValueSet | null {
  if (t.field.flow === undefined || t.field.name !== key) return null;
  const sets = t.values.map((v) => fromValue(t, key, v));
  const alg = valueAlgebra(key);
  return t.all ? allOf(sets, alg) : anyOf(sets, alg);
}

function fromValue(t: FieldTest, key: IndexKey, v: string | number | null): ValueSet | null {
  if (v === null) return null; // "field: null" matches the missing value, which no set holds
  const one = (lo: number, hi: number): ValueSet => ({ ranges: lo < hi ? [[lo, hi]] : [], v6: new Set() });
  if (key === 'src_ip' || key === 'dst_ip') {
    const text = String(v);
    if (t.op === 'eq') {
      const n = parseIpv4(text);
      return n >= 0 ? one(n, n + 1) : { ranges: [], v6: new Set([text]) };
    }
    if (t.op !== 'cidr') return null;
    // The same arithmetic as compile-flow.ts's cidr predicate.
    const [base = '', bits = '32'] = text.split('/');
    const lo = parseIpv4(base);
    const size = 2 ** (32 - Number(bits));
    const start = lo - (lo % size);
    return one(start, start + size);
  }
  if (typeof v !== 'number') return null;
  const float = FLOAT_KEYS.has(key);
  // Above x: for floats a bound safely past x even where x + 1 rounds back to x.
  const up = (x: number): number => x + Math.max(1, Math.abs(x) * 2 ** -40);
  // Matches need a value >= 0 (missing is -1 or NaN); integer bounds are exact, float bounds wide.
  switch (t.op) {
    case 'eq':
      return one(v, float ? up(v) : Math.floor(v) + 1);
    case 'gt':
      return one(Math.max(0, float ? v : Math.floor(v) + 1), Infinity);
    case 'gte':
      return one(Math.max(0, float ? v : Math.ceil(v)), Infinity);
    case 'lt':
      return one(0, float ? v : Math.ceil(v));
    case 'lte':
      return one(0, float ? up(v) : Math.floor(v) + 1);
    default:
      return null;
  }
}
