// Selections and conditions -> predicates over LogEvents (plain objects: events are far fewer
// than flows). Same semantics as the flow and SQL compilers: missing values never match a
// comparison, text equality ignores case, `like` is a case-insensitive full match.

import type { LogEvent } from '../core/records.ts';
import { parseIpv4 } from '../core/ip.ts';
import type { FieldDef } from './fields.ts';
import type { Condition, DetectionRule, FieldTest, Selection } from './types.ts';

export type EventPredicate = (e: LogEvent) => boolean;

/** The rule's condition (its logsource's event kind included), minus its allowlist. */
export function compileEventRule(rule: DetectionRule): EventPredicate {
  const cond = compileCondition(rule.condition, rule.selections);
  const allow = rule.allow.map(compileSelection);
  const kind = rule.eventKind;
  return (e) => (kind === null || e.kind === kind) && cond(e) && !allow.some((p) => p(e));
}

function compileCondition(c: Condition, sels: Map<string, Selection>): EventPredicate {
  switch (c.kind) {
    case 'sel':
      return compileSelection(sels.get(c.name)!);
    case 'not': {
      const p = compileCondition(c.item, sels);
      return (e) => !p(e);
    }
    case 'and': {
      const ps = c.items.map((x) => compileCondition(x, sels));
      return (e) => ps.every((p) => p(e));
    }
    case 'or': {
      const ps = c.items.map((x) => compileCondition(x, sels));
      return (e) => ps.some((p) => p(e));
    }
    default: {
      const never: never = c;
      throw new Error(`unexpected condition ${String(never)}`);
    }
  }
}

function compileSelection(s: Selection): EventPredicate {
  const alts = s.alternatives.map((tests) => tests.map(compileTest));
  return (e) => alts.some((ps) => ps.every((p) => p(e)));
}

/** A field's raw value: text, number or null. `fields.<key>` reads the parser's extra fields. */
export function eventValue(field: FieldDef): (e: LogEvent) => string | number | null {
  const prop = field.event!;
  if (prop.startsWith('fields.')) {
    const key = prop.slice('fields.'.length);
    return (e) => e.fields[key] ?? null;
  }
  const k = prop as keyof LogEvent;
  return (e) => {
    const v = e[k];
    return typeof v === 'string' || typeof v === 'number' ? v : null;
  };
}

/** Value as text (group-by keys, value_count), null when missing: the same text SQL's CAST AS VARCHAR gives. */
export function eventValueText(field: FieldDef): (e: LogEvent) => string | null {
  const read = eventValue(field);
  return (e) => {
    const v = read(e);
    return v === null ? null : String(v);
  };
}

function compileTest(t: FieldTest): EventPredicate {
  const ps = t.values.map((v) => compileValue(t.field, t.op, v));
  return t.all ? (e) => ps.every((p) => p(e)) : (e) => ps.some((p) => p(e));
}

function compileValue(field: FieldDef, op: FieldTest['op'], v: string | number | null): EventPredicate {
  const read = eventValue(field);
  switch (op) {
    case 'eq':
      if (v === null) return (e) => read(e) === null;
      if (field.type === 'text') return (e) => String(read(e) ?? '').toLowerCase() === v && read(e) !== null;
      if (field.type === 'ip') return (e) => read(e) === v;
      return (e) => read(e) === v;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const x = Number(v);
      const num = (e: LogEvent): number => {
        const r = read(e);
        return typeof r === 'number' ? r : NaN;
      };
      if (op === 'gt') return (e) => num(e) > x;
      if (op === 'gte') return (e) => num(e) >= x;
      if (op === 'lt') return (e) => num(e) < x;
      return (e) => num(e) <= x;
    }
    case 'like':
    case 're': {
      const re = op === 'like' ? new RegExp(`^(?:${String(v)})$`, 'is') : new RegExp(String(v));
      return (e) => {
        const s = read(e);
        return s !== null && re.test(String(s));
      };
    }
    case 'cidr': {
      const [base = '', bits = '32'] = String(v).split('/');
      const size = 2 ** (32 - Number(bits));
      const start = parseIpv4(base) - (parseIpv4(base) % size);
      return (e) => {
        const s = read(e);
        const a = typeof s === 'string' ? parseIpv4(s) : -1;
        return a >= start && a <= start + size - 1;
      };
    }
    default: {
      const never: never = op;
      throw new Error(`unexpected op ${String(never)}`);
    }
  }
}
