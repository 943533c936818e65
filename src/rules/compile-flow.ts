// Selections and conditions -> predicates over the columnar FlowBatch. Compiled once per rule to
// closures that read the typed arrays directly: no object is built per row. Missing values
// (-1 ports, NaN counts, null text) never match a comparison, as NULL never does in SQL.

import type { FlowBatch } from '../core/flow.ts';
import { ipText, parseIpv4 } from '../core/ip.ts';
import type { FieldDef, FlowColumn } from './fields.ts';
import type { Condition, DetectionRule, FieldTest, Selection } from './types.ts';

export type FlowPredicate = (b: FlowBatch, i: number) => boolean;

const NEVER: FlowPredicate = () => false;

/** The rule's condition, minus its allowlist. */
export function compileFlowRule(rule: DetectionRule): FlowPredicate {
  const cond = compileCondition(rule.condition, rule.selections);
  if (rule.allow.length === 0) return cond;
  const allow = anyOf(rule.allow.map(compileSelection));
  return (b, i) => cond(b, i) && !allow(b, i);
}

function compileCondition(c: Condition, sels: Map<string, Selection>): FlowPredicate {
  switch (c.kind) {
    case 'sel':
      return compileSelection(sels.get(c.name)!);
    case 'not': {
      const p = compileCondition(c.item, sels);
      return (b, i) => !p(b, i);
    }
    case 'and':
      return allOf(c.items.map((x) => compileCondition(x, sels)));
    case 'or':
      return anyOf(c.items.map((x) => compileCondition(x, sels)));
    default: {
      const never: never = c;
      throw new Error(`unexpected condition ${String(never)}`);
    }
  }
}

function compileSelection(s: Selection): FlowPredicate {
  return anyOf(s.alternatives.map((tests) => allOf(tests.map(compileTest))));
}

function allOf(ps: FlowPredicate[]): FlowPredicate {
  if (ps.length === 1) return ps[0]!;
  if (ps.length === 2) {
    const [a, c] = ps as [FlowPredicate, FlowPredicate];
    return (b, i) => a(b, i) && c(b, i);
  }
  return (b, i) => {
    for (const p of ps) if (!p(b, i)) return false;
    return true;
  };
}

function anyOf(ps: FlowPredicate[]): FlowPredicate {
  if (ps.length === 0) return NEVER;
  if (ps.length === 1) return ps[0]!;
  if (ps.length === 2) {
    const [a, c] = ps as [FlowPredicate, FlowPredicate];
    return (b, i) => a(b, i) || c(b, i);
  }
  return (b, i) => {
    for (const p of ps) if (p(b, i)) return true;
    return false;
  };
}

export function compileTest(t: FieldTest): FlowPredicate {
  const col = t.field.flow!;
  // Fast path: a list of whole numbers on an integer column (ports): one Set lookup.
  if (t.op === 'eq' && !t.all && t.values.length > 3 && t.values.every((v) => typeof v === 'number')) {
    const read = numberReader(col);
    const set = new Set(t.values as number[]);
    return (b, i) => set.has(read(b, i));
  }
  const ps = t.values.map((v) => compileValue(t.field, col, t.op, v));
  return t.all ? allOf(ps) : anyOf(ps);
}

type NumReader = (b: FlowBatch, i: number) => number;

// One closure per column with a literal property access: a computed `b[name]` shared by every
// rule would make the property load megamorphic (measured: several times slower).
function numberReader(col: FlowColumn): NumReader {
  switch (col.col) {
    case 'srcPort':
      return (b, i) => b.srcPort[i]!;
    case 'dstPort':
      return (b, i) => b.dstPort[i]!;
    case 'proto':
      return (b, i) => b.proto[i]!;
    case 'tcpFlags':
      return (b, i) => b.tcpFlags[i]!;
    case 'packets':
      return (b, i) => b.packets[i]!;
    case 'bytes':
      return (b, i) => b.bytes[i]!;
    case 'action':
      return (b, i) => b.action[i]!;
    case 'direction':
      return (b, i) => b.direction[i]!;
    case 'ints': {
      const name = col.name;
      return (b, i) => b.ints[name][i]!;
    }
    default:
      return () => NaN;
  }
}

export type TextReader = (b: FlowBatch, i: number) => string | null;

export function textReader(col: FlowColumn): TextReader {
  switch (col.col) {
    case 'resource':
      return (b, i) => b.resource[i] ?? null;
    case 'source':
      return (b, i) => b.source[i] ?? null;
    case 'text': {
      const name = col.name;
      return (b, i) => b.text[name][i] ?? null;
    }
    case 'srcIp':
      return (b, i) => ipText(b.srcIp4[i]!, b.srcIp6[i] ?? null);
    case 'dstIp':
      return (b, i) => ipText(b.dstIp4[i]!, b.dstIp6[i] ?? null);
    default: {
      const read = numberReader(col);
      return (b, i) => {
        const v = read(b, i);
        return v < 0 || Number.isNaN(v) ? null : String(v);
      };
    }
  }
}

/** Field value as text, null when missing: group-by keys and value_count values (same as SQL's CAST AS VARCHAR). */
export function flowValueText(field: FieldDef): TextReader {
  const col = field.flow!;
  if (col.col === 'action' || col.col === 'direction') {
    const names = col.names;
    const read = numberReader(col);
    return (b, i) => names[read(b, i)] ?? null;
  }
  return textReader(col);
}

export type TextTest = (s: string | null) => boolean;

/**
 * A test on a text value (`eq` values are lower-case already): the rule's predicate and the text
 * index of dispatch.ts use the same one.
 */
export function textTest(op: 'eq' | 'like' | 're', v: string | null): TextTest {
  if (op === 'eq') return v === null ? (s) => s === null : (s) => s !== null && s.toLowerCase() === v;
  const re = op === 'like' ? new RegExp(`^(?:${String(v)})$`, 'is') : new RegExp(String(v));
  return (s) => s !== null && re.test(s);
}

/**
 * A text test remembers its last value and answer: text columns repeat from row to row (VPC and
 * interface ids, sources), so most rows cost one string comparison instead of a regex or a
 * lower-cased copy.
 */
function memoText(read: TextReader, test: TextTest): FlowPredicate {
  let last: string | null = null;
  let answer = test(null);
  return (b, i) => {
    const s = read(b, i);
    if (s !== last) {
      last = s;
      answer = test(s);
    }
    return answer;
  };
}

function compileValue(
  field: FieldDef,
  col: FlowColumn,
  op: FieldTest['op'],
  v: string | number | null,
): FlowPredicate {
  if (field.type === 'ip' && (col.col === 'srcIp' || col.col === 'dstIp')) {
    const src = col.col === 'srcIp';
    if (op === 'eq') {
      if (v === null) return NEVER;
      const n = parseIpv4(String(v));
      if (n >= 0)
        return src
          ? (b, i) => b.srcIp4[i] === n && b.srcIp6[i] == null
          : (b, i) => b.dstIp4[i] === n && b.dstIp6[i] == null;
      return src ? (b, i) => b.srcIp6[i] === v : (b, i) => b.dstIp6[i] === v;
    }
    if (op === 'cidr') {
      const [base = '', bits = '32'] = String(v).split('/');
      const lo = parseIpv4(base);
      const size = 2 ** (32 - Number(bits));
      const start = lo - (lo % size);
      const end = start + size - 1;
      if (src)
        return (b, i) => {
          const a = b.srcIp4[i]!;
          return a >= start && a <= end && b.srcIp6[i] == null;
        };
      return (b, i) => {
        const a = b.dstIp4[i]!;
        return a >= start && a <= end && b.dstIp6[i] == null;
      };
    }
  }
  switch (op) {
    case 'eq': {
      if (field.type === 'text') {
        const read = textReader(col);
        if (v === null) return (b, i) => read(b, i) === null;
        return memoText(read, textTest('eq', String(v)));
      }
      const read = numberReader(col);
      if (v === null) return (b, i) => !(read(b, i) >= 0);
      return (b, i) => read(b, i) === v;
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const read = numberReader(col);
      const x = Number(v);
      // Integer columns keep -1 for missing; float columns NaN (every comparison is false).
      if (op === 'gt') return x >= -1 ? (b, i) => read(b, i) > x : (b, i) => read(b, i) >= 0;
      if (op === 'gte') return x >= 0 ? (b, i) => read(b, i) >= x : (b, i) => read(b, i) >= 0;
      if (op === 'lt')
        return (b, i) => {
          const r = read(b, i);
          return r >= 0 && r < x;
        };
      return (b, i) => {
        const r = read(b, i);
        return r >= 0 && r <= x;
      };
    }
    case 'like':
    case 're': {
      return memoText(textReader(col), textTest(op, String(v)));
    }
    case 'cidr':
      return NEVER;
    default: {
      const never: never = op;
      throw new Error(`unexpected op ${String(never)}`);
    }
  }
}
