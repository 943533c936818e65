// Trying each flow rule only on the records it can match: rules are filed under the field
// index-rules.ts picks for them, in one table per field. A table cuts the field's values into
// elementary intervals (every rule's bounds sorted once), each holding the rules whose set covers
// it; a record finds its interval by a binary search (ports, protocols and codes: one array
// read). Rules filed under a text column are found by the column's value: the rules whose text
// test it passes, worked out once per distinct value and kept (up to TEXT_CACHE values). Rules
// with no requirement are tried on every record. The batch is scanned one field at a time, so
// each loop reads one column and its rules' closures stay hot.

import type { FlowBatch } from '../core/flow.ts';
import { type FlowPredicate, type TextReader, type TextTest, textReader } from './compile-flow.ts';
import { type Slot, guardPasses, slot } from './guard.ts';
import { type IndexKey, type ValueSet, ruleIndex } from './index-rules.ts';
import type { DetectionRule } from './types.ts';

export interface Dispatchable {
  rule: DetectionRule;
  pred: FlowPredicate;
}

interface RangeTable<E> {
  /** Interval k is [bounds[k], bounds[k + 1]); the last one is unbounded. */
  bounds: Float64Array;
  lists: (E[] | undefined)[];
  /** Integer values below its length, looked up directly. */
  dense: (E[] | undefined)[];
  /** Address keys: rules by exact IPv6 text. */
  v6: Map<string, E[]>;
  /** Address keys: per IPv4 /16 block p, the interval holding p << 16 (-1: none), 65 537 entries. */
  blocks: Int32Array;
}

type NumericKey = Exclude<IndexKey, 'src_ip' | 'dst_ip'>;

/** The column each numeric key reads. Integer keys with a small domain get a dense array. */
const COLUMNS: Record<NumericKey, { column: (b: FlowBatch) => ArrayLike<number>; dense: number }> = {
  dst_port: { column: (b) => b.dstPort, dense: 65536 },
  src_port: { column: (b) => b.srcPort, dense: 65536 },
  proto: { column: (b) => b.proto, dense: 256 },
  action: { column: (b) => b.action, dense: 3 },
  direction: { column: (b) => b.direction, dense: 3 },
  tcp_flags: { column: (b) => b.tcpFlags, dense: 256 },
  packets: { column: (b) => b.packets, dense: 0 },
  bytes: { column: (b) => b.bytes, dense: 0 },
};

function search<E>(t: RangeTable<E>, v: number): E[] | undefined {
  const b = t.bounds;
  // `!(v >= ...)` also turns NaN (a missing float) away.
  if (b.length === 0 || !(v >= b[0]!)) return undefined;
  let lo = 0;
  let hi = b.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (b[mid]! <= v) lo = mid;
    else hi = mid;
  }
  return t.lists[lo];
}

/** `search` for an IPv4 address: a binary search only among the intervals of its /16 block. */
function searchIpv4<E>(t: RangeTable<E>, v: number): E[] | undefined {
  const b = t.bounds;
  const p = v >>> 16;
  let lo = t.blocks[p]!;
  let hi = t.blocks[p + 1]!;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (b[mid]! <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo < 0 ? undefined : t.lists[lo];
}

function lookup<E>(t: RangeTable<E>, v: number): E[] | undefined {
  return v >= 0 && v < t.dense.length ? t.dense[v] : search(t, v);
}

export function buildTable<E>(
  items: readonly { e: E; set: ValueSet }[],
  dense = 0,
  ipv4 = false,
): RangeTable<E> {
  const points = new Set<number>();
  for (const { set } of items)
    for (const [lo, hi] of set.ranges) {
      points.add(lo);
      if (hi !== Infinity) points.add(hi);
    }
  const bounds = Float64Array.from([...points].sort((x, y) => x - y));
  const at = new Map<number, number>();
  bounds.forEach((p, k) => at.set(p, k));
  const lists: (E[] | undefined)[] = new Array<E[] | undefined>(bounds.length).fill(undefined);
  const v6 = new Map<string, E[]>();
  for (const { e, set } of items) {
    // A rule's intervals are disjoint, so it is listed at most once per elementary interval.
    for (const [lo, hi] of set.ranges) {
      const end = hi === Infinity ? bounds.length : at.get(hi)!;
      for (let k = at.get(lo)!; k < end; k++) (lists[k] ??= []).push(e);
    }
    for (const a of set.v6) {
      const l = v6.get(a);
      if (l === undefined) v6.set(a, [e]);
      else l.push(e);
    }
  }
  const blocks = new Int32Array(ipv4 ? 65537 : 0);
  for (let p = 0, k = -1; p < blocks.length; p++) {
    while (k + 1 < bounds.length && bounds[k + 1]! <= p * 65536) k++;
    blocks[p] = k;
  }
  const t: RangeTable<E> = { bounds, lists, dense: [], v6, blocks };
  const d = new Array<E[] | undefined>(dense);
  for (let v = 0; v < dense; v++) d[v] = search(t, v);
  t.dense = d;
  return t;
}

/** Distinct values per text column whose candidate rules are kept; beyond it the cache restarts. */
export const TEXT_CACHE = 4096;

interface TextTable<E> {
  read: TextReader;
  rules: { e: E; test: TextTest }[];
  cache: Map<string | null, Slot<E>[]>;
}

function textCandidates<E>(t: TextTable<E>, s: string | null): Slot<E>[] {
  let list = t.cache.get(s);
  if (list === undefined) {
    list = t.rules.filter((r) => r.test(s)).map((r) => slot(r.e, null));
    if (t.cache.size >= TEXT_CACHE) t.cache.clear();
    t.cache.set(s, list);
  }
  return list;
}

export interface FlowDispatch<E> {
  /** Calls `hit` for every row not skipped and every rule whose predicate the row meets. */
  run(b: FlowBatch, skip: Uint8Array, hit: (e: E, i: number) => void): void;
  /** Rules per key (`always`: tried on every record). */
  layout(): Record<string, number>;
}

export function createFlowDispatch<E extends Dispatchable>(entries: readonly E[]): FlowDispatch<E> {
  const filed = new Map<IndexKey, { e: Slot<E>; set: ValueSet }[]>();
  const always: E[] = [];
  const texts = new Map<string, TextTable<E>>();
  for (const e of entries) {
    const ix = ruleIndex(e.rule);
    if (ix === null) always.push(e);
    else if (ix.kind === 'text') {
      let t = texts.get(ix.field.name);
      if (t === undefined) {
        t = { read: textReader(ix.field.flow!), rules: [], cache: new Map() };
        texts.set(ix.field.name, t);
      }
      t.rules.push({ e, test: ix.test });
    } else {
      const item = { e: slot(e, ix.guard), set: ix.set };
      const items = filed.get(ix.key);
      if (items === undefined) filed.set(ix.key, [item]);
      else items.push(item);
    }
  }
  const ipTable = (key: 'src_ip' | 'dst_ip'): RangeTable<Slot<E>> | null => {
    const items = filed.get(key);
    return items === undefined ? null : buildTable(items, 0, true);
  };
  const srcIp = ipTable('src_ip');
  const dstIp = ipTable('dst_ip');
  const numeric: { table: RangeTable<Slot<E>>; column: (b: FlowBatch) => ArrayLike<number> }[] = [];
  for (const [key, items] of filed) {
    if (key === 'src_ip' || key === 'dst_ip') continue;
    const c = COLUMNS[key];
    numeric.push({ table: buildTable(items, c.dense), column: c.column });
  }
  return {
    run(b, skip, hit) {
      const n = b.length;
      if (srcIp !== null) scanIp(srcIp, b, b.srcIp4, b.srcIp6, skip, n, hit);
      if (dstIp !== null) scanIp(dstIp, b, b.dstIp4, b.dstIp6, skip, n, hit);
      for (const { table, column } of numeric) scanNumber(table, b, column(b), skip, n, hit);
      for (const t of texts.values()) scanText(t, b, skip, n, hit);
      for (const e of always) {
        const pred = e.pred;
        for (let i = 0; i < n; i++) if (skip[i] === 0 && pred(b, i)) hit(e, i);
      }
    },
    layout() {
      const out: Record<string, number> = { always: always.length };
      for (const [key, items] of filed) out[key] = items.length;
      for (const [field, t] of texts) out[field] = t.rules.length;
      return out;
    },
  };
}

function tryList<E extends Dispatchable>(
  list: Slot<E>[],
  b: FlowBatch,
  i: number,
  hit: (e: E, i: number) => void,
): void {
  for (let k = 0; k < list.length; k++) {
    const s = list[k]!;
    if (guardPasses(s, b, i) && s.e.pred(b, i)) hit(s.e, i);
  }
}

function scanIp<E extends Dispatchable>(
  t: RangeTable<Slot<E>>,
  b: FlowBatch,
  v4: Uint32Array,
  v6: (string | null)[],
  skip: Uint8Array,
  n: number,
  hit: (e: E, i: number) => void,
): void {
  const anyV6 = t.v6.size > 0;
  for (let i = 0; i < n; i++) {
    if (skip[i] === 1) continue;
    const a6 = v6[i];
    const list = a6 == null ? searchIpv4(t, v4[i]!) : anyV6 ? t.v6.get(a6) : undefined;
    if (list !== undefined) tryList(list, b, i, hit);
  }
}

function scanNumber<E extends Dispatchable>(
  t: RangeTable<Slot<E>>,
  b: FlowBatch,
  col: ArrayLike<number>,
  skip: Uint8Array,
  n: number,
  hit: (e: E, i: number) => void,
): void {
  for (let i = 0; i < n; i++) {
    if (skip[i] === 1) continue;
    const list = lookup(t, col[i]!);
    if (list !== undefined) tryList(list, b, i, hit);
  }
}

function scanText<E extends Dispatchable>(
  t: TextTable<E>,
  b: FlowBatch,
  skip: Uint8Array,
  n: number,
  hit: (e: E, i: number) => void,
): void {
  let last: string | null | undefined = undefined;
  let list: Slot<E>[] = [];
  for (let i = 0; i < n; i++) {
    if (skip[i] === 1) continue;
    const s = t.read(b, i);
    if (s !== last) {
      last = s;
      list = textCandidates(t, s);
    }
    if (list.length > 0) tryList(list, b, i, hit);
  }
}
