// STIX 2.1 bundles: `indicator` objects whose `pattern` compares `ipv4-addr:value` or
// `ipv6-addr:value` with an address or CIDR (`=` or `ISSUBSET`), possibly several joined with
// OR. Revoked indicators and those past their `valid_until` are skipped (counted, not loaded);
// other object types and patterns without an address are skipped too. Rejections point at the
// line of the indicator's id in the file.

import { ListCollector, type ParsedList } from '../entry.ts';

const IP_TERM = /\b(ipv4-addr|ipv6-addr):value\s*(?:=|ISSUBSET)\s*'((?:[^'\\]|\\.)*)'/gi;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Line numbers of character offsets, by binary search over line starts. */
function lineFinder(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** The address values an indicator pattern names (empty when it names none). */
export function patternAddresses(pattern: string): string[] {
  return [...pattern.matchAll(IP_TERM)].map((m) => m[2]!.replace(/\\(.)/g, '$1'));
}

export function parseStixList(text: string, file: string, nowMs: number): ParsedList {
  const c = new ListCollector(file);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e: unknown) {
    const where = /position (\d+)/.exec(e instanceof Error ? e.message : '');
    const line = where ? lineFinder(text)(Number(where[1])) : 1;
    c.reject(line, 'bad-json', e instanceof Error ? e.message : String(e));
    return c.result('stix');
  }
  const objects: unknown[] = Array.isArray(doc)
    ? doc
    : isRecord(doc) && Array.isArray(doc.objects)
      ? doc.objects
      : isRecord(doc) && doc.type === 'indicator'
        ? [doc]
        : [];
  if (objects.length === 0) c.reject(1, 'no-stix-objects', text.slice(0, 200));
  const lineOf = lineFinder(text);
  let searchFrom = 0;
  for (const o of objects) {
    // Objects appear in file order, so each id is searched for after the previous one.
    const id = isRecord(o) && typeof o.id === 'string' ? o.id : null;
    const at = id === null ? -1 : text.indexOf(`"${id}"`, searchFrom);
    if (at >= 0) searchFrom = at;
    const line = at >= 0 ? lineOf(at) : 1;
    if (!isRecord(o)) {
      c.reject(line, 'not-an-object', JSON.stringify(o) ?? '');
      continue;
    }
    if (o.type !== 'indicator') {
      c.skip(`object-type:${String(o.type)}`);
      continue;
    }
    if (o.revoked === true) {
      c.skip('revoked');
      continue;
    }
    if (typeof o.valid_until === 'string') {
      const until = Date.parse(o.valid_until);
      if (Number.isNaN(until)) {
        c.reject(line, 'bad-valid-until', `${id ?? ''} valid_until=${o.valid_until}`);
        continue;
      }
      if (until <= nowMs) {
        c.skip('expired');
        continue;
      }
    }
    if (o.pattern_type !== undefined && o.pattern_type !== 'stix') {
      c.skip(`pattern-type:${String(o.pattern_type)}`);
      continue;
    }
    if (typeof o.pattern !== 'string') {
      c.reject(line, 'no-pattern', `${id ?? ''}`);
      continue;
    }
    const values = patternAddresses(o.pattern);
    if (values.length === 0) {
      c.skip('no-address-in-pattern');
      continue;
    }
    for (const v of values) c.add(v, line, `${id ?? ''} ${o.pattern}`);
  }
  return c.result('stix');
}
