// One selection of a rule's `detection` (or one entry of its `allowlist`): `field|modifiers:
// value(s)` maps, checked against the field table and converted for the field's type so the
// compilers never have to re-check anything.

import { parseIpv4 } from '../core/ip.ts';
import { canonicalIpv6 } from '../core/ip.ts';
import { type FieldDef, PROTOCOL_NUMBERS, fieldNames, resolveField } from './fields.ts';
import type { FieldTest, Position, RecordKind, Selection, ValueOp } from './types.ts';
import { type YNode, type YamlReader, didYouMean } from './yaml-reader.ts';

const MODIFIERS = [
  'contains',
  'startswith',
  'endswith',
  're',
  'cidr',
  'gt',
  'gte',
  'lt',
  'lte',
  'all',
] as const;
type Modifier = (typeof MODIFIERS)[number];
type ValueModifier = Exclude<Modifier, 'all'> | 'eq';

/** Regex source matching a Sigma wildcard value (`*` any run, `?` one character, `\*` literal). */
export function wildcardSource(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && (value[i + 1] === '*' || value[i + 1] === '?' || value[i + 1] === '\\')) {
      out += `\\${value[i + 1]}`;
      i++;
    } else if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}

const hasWildcard = (v: string): boolean => /(^|[^\\])[*?]/.test(v);

/** Constructs JavaScript and RE2 (DuckDB) read differently; rules must avoid them. */
const NOT_PORTABLE = /\(\?<?[=!]|\\[1-9]|\\k</;

export function parseSelection(
  r: YamlReader,
  name: string,
  node: YNode,
  records: RecordKind,
  where: Position,
): Selection | null {
  const maps = r.isSeq(node) ? r.items(node) : [node];
  const alternatives: FieldTest[][] = [];
  let ok = true;
  for (const m of maps) {
    if (!r.isMap(m)) {
      r.problem(
        r.at(m, where),
        `selection "${name}" must be a map of field: value (or a list of such maps)`,
        'keyword searches are not supported: name the field, e.g. "message|contains: Failed password"',
      );
      ok = false;
      continue;
    }
    const tests: FieldTest[] = [];
    for (const p of r.pairs(m)) {
      const t = parseFieldTest(r, r.key(p), p.value, records, r.at(p, where));
      if (t === null) ok = false;
      else tests.push(t);
    }
    if (tests.length === 0 && ok) {
      r.problem(r.at(m, where), `selection "${name}" is empty`, 'add at least one "field: value"');
      ok = false;
    }
    alternatives.push(tests);
  }
  return ok ? { name, alternatives } : null;
}

function parseFieldTest(
  r: YamlReader,
  key: string,
  valueNode: YNode,
  records: RecordKind,
  at: Position,
): FieldTest | null {
  const [fieldName = '', ...mods] = key.split('|');
  const field = resolveField(fieldName, records);
  if (field === null) {
    r.problem(
      at,
      `unknown field "${fieldName}" for ${records} records${didYouMean(fieldName, fieldNames(records))}`,
      `${records} fields: ${fieldNames(records).join(', ')}${records === 'event' ? ', fields.<key>' : ''}; Sigma/ECS names are mapped (docs/rules.md)`,
    );
    return null;
  }
  let op: ValueModifier = 'eq';
  let all = false;
  for (const m of mods) {
    const lower = m.toLowerCase() as Modifier;
    if (!MODIFIERS.includes(lower)) {
      r.problem(
        at,
        `unknown modifier "|${m}"${didYouMean(m, MODIFIERS)}`,
        `modifiers: ${MODIFIERS.join(', ')}`,
      );
      return null;
    }
    if (lower === 'all') all = true;
    else if (op !== 'eq') {
      r.problem(
        at,
        `"${key}" has two value modifiers`,
        'use one of contains/startswith/endswith/re/cidr/gt/gte/lt/lte',
      );
      return null;
    } else op = lower;
  }
  const raw = r.isSeq(valueNode) ? r.items(valueNode) : [valueNode];
  if (raw.length === 0) {
    r.problem(at, `"${key}" has an empty list of values`, 'give at least one value');
    return null;
  }
  const values: (string | number | null)[] = [];
  let finalOp: ValueOp | null = null;
  for (const vn of raw) {
    const v = r.scalar(vn);
    if (v === undefined || typeof v === 'boolean') {
      r.problem(
        r.at(vn, at),
        `"${key}": values must be text, numbers or null`,
        'write one value or a list of values',
      );
      return null;
    }
    const converted = convert(field, op, v);
    if ('error' in converted) {
      r.problem(r.at(vn, at), `"${key}": ${converted.error}`, converted.hint);
      return null;
    }
    if (finalOp !== null && finalOp !== converted.op) {
      r.problem(
        at,
        `"${key}" mixes wildcard and plain values`,
        'split them into two selections joined with "or"',
      );
      return null;
    }
    finalOp = converted.op;
    values.push(converted.value);
  }
  return { field, op: finalOp ?? 'eq', values, all };
}

type Converted = { op: ValueOp; value: string | number | null } | { error: string; hint: string };

function convert(field: FieldDef, op: ValueModifier, v: string | number | null): Converted {
  const numeric = field.type === 'int' || field.type === 'num';
  if (v === null) {
    return op === 'eq'
      ? { op: 'eq', value: null }
      : { error: `null needs no modifier`, hint: 'write "field: null" to match a missing value' };
  }
  switch (op) {
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const n = typeof v === 'number' ? v : Number(v);
      if (!numeric || !Number.isFinite(n)) {
        return {
          error: `|${op} compares numbers; ${field.name} is ${field.type}`,
          hint: 'use gt/gte/lt/lte on ports, proto, packets, bytes or tcp_flags with a number',
        };
      }
      return { op, value: n };
    }
    case 'cidr': {
      const text = String(v);
      const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(text) ?? /^(\d+\.\d+\.\d+\.\d+)$/.exec(text);
      const base = m ? parseIpv4(m[1]!) : -1;
      const bits = m?.[2] === undefined ? 32 : Number(m[2]);
      if (field.type !== 'ip')
        return { error: `|cidr applies to addresses, not ${field.name}`, hint: 'use it on src_ip or dst_ip' };
      if (base < 0 || bits > 32) {
        return {
          error: `"${text}" is not an IPv4 CIDR`,
          hint: 'write ranges as 10.0.0.0/8; IPv6 ranges are not supported yet: use startswith on the address',
        };
      }
      return { op, value: `${m![1]}/${bits}` };
    }
    case 're': {
      const text = String(v);
      if (numeric)
        return {
          error: `|re applies to text, not ${field.name}`,
          hint: 'compare numbers with gt/lt or a list',
        };
      try {
        new RegExp(text);
      } catch (e) {
        return { error: `invalid regular expression: ${(e as Error).message}`, hint: 'fix the pattern' };
      }
      if (NOT_PORTABLE.test(text)) {
        return {
          error: 'look-around and back-references are not supported',
          hint: 'the same pattern runs in SQL (RE2), which has neither; rewrite without them',
        };
      }
      return { op, value: text };
    }
    case 'contains':
    case 'startswith':
    case 'endswith': {
      if (numeric)
        return {
          error: `|${op} applies to text, not ${field.name}`,
          hint: 'compare numbers with gt/lt or a list',
        };
      const s = wildcardSource(String(v));
      const src = op === 'contains' ? `.*${s}.*` : op === 'startswith' ? `${s}.*` : `.*${s}`;
      return { op: 'like', value: src };
    }
    case 'eq':
      return convertEq(field, v);
    default: {
      const never: never = op;
      return { error: `unknown modifier ${String(never)}`, hint: '' };
    }
  }
}

function convertEq(field: FieldDef, v: string | number): Converted {
  const text = String(v);
  switch (field.type) {
    case 'int':
    case 'num': {
      const proto = field.name === 'proto' ? PROTOCOL_NUMBERS[text.toLowerCase()] : undefined;
      const n = proto ?? (typeof v === 'number' ? v : text.trim() === '' ? NaN : Number(text));
      if (!Number.isFinite(n) || n < 0 || (field.type === 'int' && !Number.isInteger(n))) {
        return {
          error: `${field.name} is a number of 0 or more; "${text}" is not`,
          hint:
            field.name === 'proto'
              ? 'write a protocol number or tcp/udp/icmp/icmpv6/gre/esp/sctp'
              : 'write a number, or a list of numbers',
        };
      }
      return { op: 'eq', value: n };
    }
    case 'code': {
      const names = field.flow && 'names' in field.flow ? field.flow.names : [];
      const i = names.indexOf(text.toLowerCase());
      if (i < 0)
        return {
          error: `${field.name} is one of ${names.join(', ')}, not "${text}"`,
          hint: `write one of ${names.join(', ')}`,
        };
      return { op: 'eq', value: i };
    }
    case 'ip': {
      if (hasWildcard(text)) return { op: 'like', value: wildcardSource(text) };
      if (parseIpv4(text) >= 0) return { op: 'eq', value: text };
      const v6 = canonicalIpv6(text);
      if (v6 !== null) return { op: 'eq', value: v6 };
      return {
        error: `"${text}" is not an IP address`,
        hint: 'write an address, a range with |cidr, or a pattern with * wildcards',
      };
    }
    case 'text':
      return hasWildcard(text)
        ? { op: 'like', value: wildcardSource(text) }
        : { op: 'eq', value: text.toLowerCase() };
    default: {
      const never: never = field.type;
      return { error: `unknown field type ${String(never)}`, hint: '' };
    }
  }
}
