// Which destination ports a rule requires: when every way its condition can be true needs
// dst_port to be one of a few values, the engine tests the rule only on records with those ports.
// Allowlists only narrow a rule, so they do not matter here. null = no such requirement.

import type { Condition, DetectionRule, Selection } from './types.ts';

export function requiredDstPorts(rule: DetectionRule): number[] | null {
  if (rule.records !== 'flow') return null;
  const set = required(rule.condition, rule.selections);
  return set === null ? null : [...set];
}

function required(c: Condition, sels: Map<string, Selection>): Set<number> | null {
  switch (c.kind) {
    case 'sel':
      return fromSelection(sels.get(c.name)!);
    case 'not':
      return null;
    case 'and': {
      let best: Set<number> | null = null;
      for (const item of c.items) {
        const s = required(item, sels);
        if (s !== null && (best === null || s.size < best.size)) best = s;
      }
      return best;
    }
    case 'or': {
      const out = new Set<number>();
      for (const item of c.items) {
        const s = required(item, sels);
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

function fromSelection(s: Selection): Set<number> | null {
  const out = new Set<number>();
  for (const tests of s.alternatives) {
    const t = tests.find(
      (x) =>
        x.field.name === 'dst_port' &&
        x.op === 'eq' &&
        (!x.all || x.values.length === 1) &&
        x.values.every((v) => typeof v === 'number'),
    );
    if (t === undefined) return null;
    for (const v of t.values) out.add(v as number);
  }
  return out;
}
