// Which records a flow rule can match at all, so the engine tries it only on those: when every
// way its condition can be true needs dst_port to be one of a few values, or src_ip / dst_ip to
// lie in a few IPv4 /16 blocks, the rule is filed under those values. Allowlists only narrow a
// rule, so they do not matter here. null = no such requirement (the rule is tried on every record).

import { parseIpv4 } from '../core/ip.ts';
import type { Condition, DetectionRule, FieldTest, Selection } from './types.ts';

export type IndexKey = 'dst_port' | 'src_ip16' | 'dst_ip16';

/** The first index the rule can be filed under, with its values. */
export function ruleIndex(rule: DetectionRule): { key: IndexKey; values: number[] } | null {
  if (rule.records !== 'flow') return null;
  for (const key of ['dst_port', 'src_ip16', 'dst_ip16'] as const) {
    const set = required(rule.condition, rule.selections, key);
    if (set !== null) return { key, values: [...set] };
  }
  return null;
}

export function requiredDstPorts(rule: DetectionRule): number[] | null {
  const ix = ruleIndex(rule);
  return ix?.key === 'dst_port' ? ix.values : null;
}

function required(c: Condition, sels: Map<string, Selection>, key: IndexKey): Set<number> | null {
  switch (c.kind) {
    case 'sel':
      return fromSelection(sels.get(c.name)!, key);
    case 'not':
      return null;
    case 'and': {
      let best: Set<number> | null = null;
      for (const item of c.items) {
        const s = required(item, sels, key);
        if (s !== null && (best === null || s.size < best.size)) best = s;
      }
      return best;
    }
    case 'or': {
      const out = new Set<number>();
      for (const item of c.items) {
        const s = required(item, sels, key);
        if (s === null) return null;
        for (const v of s) out.add(v);
      }
      return out;
    }
    default: {
      const never: never = c;
      throw new Error(`unexpected condition ${String(never)}`);
    }
  }
}

/** At most this many /16 blocks per rule (a /8 range is 256). */
const MAX_BLOCKS = 256;

function valuesOf(t: FieldTest, key: IndexKey): number[] | null {
  if (t.all && t.values.length > 1) return null;
  if (key === 'dst_port') {
    if (t.field.name !== 'dst_port' || t.op !== 'eq' || !t.values.every((v) => typeof v === 'number'))
      return null;
    return t.values as number[];
  }
  if (t.field.name !== (key === 'src_ip16' ? 'src_ip' : 'dst_ip') || (t.op !== 'eq' && t.op !== 'cidr'))
    return null;
  const out: number[] = [];
  for (const v of t.values) {
    const [addr = '', bitsText = '32'] = String(v).split('/');
    const ip = parseIpv4(addr);
    if (ip < 0) return null; // IPv6 or null: not in an IPv4 block
    const bits = t.op === 'cidr' ? Number(bitsText) : 32;
    const first = ip >>> 16;
    const count = bits >= 16 ? 1 : 2 ** (16 - bits);
    if (out.length + count > MAX_BLOCKS) return null;
    for (let k = 0; k < count; k++)
      out.push(((first >>> (16 - Math.min(bits, 16))) << (16 - Math.min(bits, 16))) + k);
  }
  return out;
}

function fromSelection(s: Selection, key: IndexKey): Set<number> | null {
  const out = new Set<number>();
  for (const tests of s.alternatives) {
    let found: number[] | null = null;
    for (const t of tests) {
      found = valuesOf(t, key);
      if (found !== null) break;
    }
    if (found === null) return null;
    for (const v of found) out.add(v);
  }
  return out;
}
