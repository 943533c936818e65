// A static index of many IPv4/IPv6 CIDRs, each tagged with a small integer group (a list, an
// asset), answering "which is the most specific CIDR containing this address, and which groups
// contain it at all" without allocating.
//
// CIDRs are either nested or disjoint, so the covering set at any address is a chain. IPv4 is
// split into disjoint segments, each labelled with its innermost CIDR, kept in typed arrays and
// binary-searched. IPv6 uses one hash map per prefix length present (lists hold few lengths).
// Identical CIDRs from several groups become one entry whose own group set names them all; every
// entry also knows the group set of its whole chain (itself and every CIDR around it).

import { formatIpv4, formatIpv6Groups, parseIpv6Groups } from '../core/ip.ts';

/**
 * Entries to index, each tagged with a group (0..n). IPv4 is held in growable typed arrays (9
 * bytes an entry, so 1.5 M entries build without a large transient heap); IPv6 as objects.
 */
export class CidrInput {
  v4Base = new Uint32Array(1024);
  v4Bits = new Uint8Array(1024);
  v4Group = new Uint32Array(1024);
  v4Count = 0;
  readonly v6: { groups: readonly number[]; bits: number; group: number }[] = [];
  maxGroup = 0;

  addV4(base: number, bits: number, group: number): void {
    if (this.v4Count === this.v4Base.length) {
      const grow = <T extends Uint32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.v4Base = grow(this.v4Base, (n) => new Uint32Array(n));
      this.v4Bits = grow(this.v4Bits, (n) => new Uint8Array(n));
      this.v4Group = grow(this.v4Group, (n) => new Uint32Array(n));
    }
    this.v4Base[this.v4Count] = (base & v4Mask(bits)) >>> 0;
    this.v4Bits[this.v4Count] = bits;
    this.v4Group[this.v4Count] = group;
    this.v4Count++;
    if (group > this.maxGroup) this.maxGroup = group;
  }

  addV6(groups: readonly number[], bits: number, group: number): void {
    this.v6.push({ groups, bits, group });
    if (group > this.maxGroup) this.maxGroup = group;
  }
}

export interface CidrIndex {
  /** Number of distinct IPv4 and IPv6 CIDRs. */
  readonly sizeV4: number;
  readonly sizeV6: number;
  /** Index of the most specific IPv4 entry containing the address, or -1. */
  findV4(v4: number): number;
  /** Index (offset by sizeV4, so one index space) of the most specific IPv6 entry, or -1. */
  findV6(text: string): number;
  /** Groups that listed exactly this entry (sorted). */
  ownGroups(entry: number): readonly number[];
  /** Groups of the entry's whole chain: this CIDR and every CIDR containing it (sorted). */
  chainSet(entry: number): number;
  /** The group numbers of a chain set id (sorted). */
  setGroups(set: number): readonly number[];
  /** Number of distinct chain sets (ids are 0..setCount-1). */
  readonly setCount: number;
  /** The entry as CIDR text, e.g. `198.51.100.0/24`, `2001:db8::/32`. */
  cidrText(entry: number): string;
  /** Approximate bytes held by the typed arrays and maps. */
  readonly bytes: number;
}

/** Mask of the top `bits` bits of a 32-bit value, as an unsigned number. */
export function v4Mask(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

function hexOf(groups: readonly number[]): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += (groups[i] ?? 0).toString(16).padStart(4, '0');
  return s;
}

const HEX_DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_DIGIT['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_DIGIT['0123456789ABCDEF'.charCodeAt(i)] = i;
}
const ZEROS = '0000';

/**
 * The 32 hex digits of an IPv6 address, or null. A char loop for the plain spellings flows carry
 * (no regex, no arrays); embedded IPv4 tails and zones go through the general parser.
 */
export function ipv6Hex(text: string): string | null {
  if (text.indexOf('.') >= 0 || text.indexOf('%') >= 0) {
    const g = parseIpv6Groups(text);
    return g === null ? null : hexOf(g);
  }
  let head = '';
  let tail = '';
  let groupsHead = 0;
  let groupsTail = 0;
  let afterGap = false;
  let start = 0;
  const n = text.length;
  if (n < 2 || n > 39) return null;
  let i = 0;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return null;
    afterGap = true;
    i = 2;
    start = 2;
    if (n === 2) return '0'.repeat(32);
  }
  for (; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 58;
    if (c !== 58) {
      if (c >= 128 || HEX_DIGIT[c]! < 0 || i - start >= 4) return null;
      continue;
    }
    const len = i - start;
    if (len === 0) {
      // "::" in the middle or at the end; a second one is invalid.
      if (afterGap || i === n) return null;
      afterGap = true;
      start = i + 1;
      if (i + 1 === n) break;
      continue;
    }
    const group = ZEROS.slice(len) + text.slice(start, i);
    if (afterGap) {
      tail += group;
      groupsTail++;
    } else {
      head += group;
      groupsHead++;
    }
    start = i + 1;
  }
  const missing = 8 - groupsHead - groupsTail;
  if (afterGap ? missing < 1 : missing !== 0) return null;
  return (head + '0000'.repeat(missing) + tail).toLowerCase();
}

/** The hash key of the first `bits` bits of a 32-nibble hex address. */
function prefixKey(hex: string, bits: number): string {
  const nibbles = bits >> 2;
  const rem = bits & 3;
  if (rem === 0) return hex.slice(0, nibbles);
  const partial = parseInt(hex[nibbles] ?? '0', 16) & ((0xf << (4 - rem)) & 0xf);
  return hex.slice(0, nibbles) + partial.toString(16);
}

class SetInterner {
  readonly sets: number[][] = [];
  private readonly ids = new Map<string, number>();
  intern(groups: number[]): number {
    const key = groups.join(',');
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(groups);
      this.ids.set(key, id);
    }
    return id;
  }
  union(a: readonly number[], b: readonly number[]): number[] {
    if (a.length === 0) return [...b];
    const out = new Set([...a, ...b]);
    return [...out].sort((x, y) => x - y);
  }
}

interface V4Table {
  n4: number;
  uBase: Uint32Array;
  uBits: Uint8Array;
  uOwn: Uint32Array;
  chain4: Uint32Array;
  sLo: Uint32Array;
  sHi: Uint32Array;
  sTop: Int32Array;
}

interface V6Table {
  byLength: Map<number, Map<string, number>>;
  lengthsDesc: number[];
  v6Text: string[];
  v6Own: number[][];
  v6Chain: number[];
}

function findHexIn(t: Pick<V6Table, 'byLength' | 'lengthsDesc'>, hex: string, maxBits: number): number {
  for (const bits of t.lengthsDesc) {
    if (bits > maxBits) continue;
    const hit = t.byLength.get(bits)!.get(prefixKey(hex, bits));
    if (hit !== undefined) return hit;
  }
  return -1;
}

// Built in their own functions so the returned closures do not keep the build inputs alive.
function buildV4(input: CidrInput, interner: SetInterner, groupSpan: number): V4Table {
  // Sort by (base, bits, group). When the group fits, all three are packed into one float64 so
  // the native numeric sort does the work; otherwise an index permutation is sorted.
  const n = input.v4Count;
  const sBase = new Uint32Array(n);
  const sBits = new Uint8Array(n);
  const sGroup = new Uint32Array(n);
  if (groupSpan <= 2 ** 15) {
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++)
      keys[i] = (input.v4Base[i]! * 64 + input.v4Bits[i]!) * groupSpan + input.v4Group[i]!;
    keys.sort();
    for (let i = 0; i < n; i++) {
      const k = keys[i]!;
      const group = k % groupSpan;
      const cidr = (k - group) / groupSpan;
      sGroup[i] = group;
      sBits[i] = cidr % 64;
      sBase[i] = (cidr - (cidr % 64)) / 64;
    }
  } else {
    const order = new Uint32Array(n).map((_, i) => i);
    const { v4Base: b, v4Bits: w, v4Group: g } = input;
    order.sort((x, y) => b[x]! - b[y]! || w[x]! - w[y]! || g[x]! - g[y]!);
    for (let i = 0; i < n; i++) {
      const j = order[i]!;
      sBase[i] = b[j]!;
      sBits[i] = w[j]!;
      sGroup[i] = g[j]!;
    }
  }

  // Distinct CIDRs, each with the set of groups that list it.
  const uBase = new Uint32Array(n);
  const uBits = new Uint8Array(n);
  const uOwn = new Uint32Array(n);
  let n4 = 0;
  let pending: number[] = [];
  for (let i = 0; i < n; i++) {
    const group = sGroup[i]!;
    const bits = sBits[i]!;
    const base = sBase[i]!;
    if (n4 > 0 && uBase[n4 - 1] === base && uBits[n4 - 1] === bits) {
      if (pending[pending.length - 1] !== group) pending.push(group);
      continue;
    }
    if (n4 > 0) uOwn[n4 - 1] = interner.intern(pending);
    uBase[n4] = base;
    uBits[n4] = bits;
    pending = [group];
    n4++;
  }
  if (n4 > 0) uOwn[n4 - 1] = interner.intern(pending);
  const chain4 = new Uint32Array(n4);

  // Laminar sweep: a stack of open CIDRs; the top labels the addresses until the next event.
  const segLo = new Uint32Array(2 * n4 + 1);
  const segHi = new Uint32Array(2 * n4 + 1);
  const segTop = new Int32Array(2 * n4 + 1);
  let segs = 0;
  const emit = (lo: number, hi: number, top: number): void => {
    if (lo > hi) return;
    if (segs > 0 && segTop[segs - 1] === top && segHi[segs - 1]! + 1 === lo) {
      segHi[segs - 1] = hi;
      return;
    }
    segLo[segs] = lo;
    segHi[segs] = hi;
    segTop[segs] = top;
    segs++;
  };
  const stack: number[] = [];
  const hiOf = (i: number): number => uBase[i]! + 2 ** (32 - uBits[i]!) - 1;
  let cursor = 0;
  for (let i = 0; i < n4; i++) {
    const lo = uBase[i]!;
    while (stack.length > 0 && hiOf(stack[stack.length - 1]!) < lo) {
      const top = stack.pop()!;
      emit(cursor, hiOf(top), top);
      cursor = Math.max(cursor, hiOf(top) + 1);
    }
    const parent = stack.length > 0 ? stack[stack.length - 1]! : -1;
    if (parent >= 0) emit(cursor, lo - 1, parent);
    cursor = Math.max(cursor, lo);
    chain4[i] = interner.intern(
      parent >= 0
        ? interner.union(interner.sets[chain4[parent]!]!, interner.sets[uOwn[i]!]!)
        : interner.sets[uOwn[i]!]!,
    );
    stack.push(i);
  }
  while (stack.length > 0) {
    const top = stack.pop()!;
    emit(cursor, hiOf(top), top);
    cursor = Math.max(cursor, hiOf(top) + 1);
  }
  return {
    n4,
    uBase: uBase.slice(0, n4),
    uBits: uBits.slice(0, n4),
    uOwn: uOwn.slice(0, n4),
    chain4,
    sLo: segLo.slice(0, segs),
    sHi: segHi.slice(0, segs),
    sTop: segTop.slice(0, segs),
  };
}

function buildV6(input: CidrInput, interner: SetInterner, empty: number): V6Table {
  // One map per prefix length, longest first; parents before children for chains.
  const v6Sorted = [...input.v6].sort((a, b) => a.bits - b.bits);
  const byLength = new Map<number, Map<string, number>>();
  const v6Text: string[] = [];
  const v6Own: number[][] = [];
  const v6Parent: number[] = [];
  const v6Chain: number[] = [];
  let lengthsDesc: number[] = [];
  const findHex = (hex: string, maxBits: number): number => {
    for (const bits of lengthsDesc) {
      if (bits > maxBits) continue;
      const hit = byLength.get(bits)!.get(prefixKey(hex, bits));
      if (hit !== undefined) return hit;
    }
    return -1;
  };
  for (const e of v6Sorted) {
    const hex = hexOf(e.groups);
    const key = prefixKey(hex, e.bits);
    let m = byLength.get(e.bits);
    if (m === undefined) {
      m = new Map();
      byLength.set(e.bits, m);
      lengthsDesc = [...byLength.keys()].sort((a, b) => b - a);
    }
    const existing = m.get(key);
    if (existing !== undefined) {
      const own = v6Own[existing]!;
      if (!own.includes(e.group)) {
        own.push(e.group);
        own.sort((a, b) => a - b);
      }
      continue;
    }
    const parent = findHex(hex, e.bits - 1);
    const idx = v6Text.length;
    m.set(key, idx);
    const full = (key + '0'.repeat(32 - key.length)).match(/.{4}/g)!.map((g) => parseInt(g, 16));
    v6Text.push(`${formatIpv6Groups(full)}/${e.bits}`);
    v6Own.push([e.group]);
    v6Parent.push(parent);
  }
  // Own groups are complete only now (duplicates may come later); parents precede children.
  for (let i = 0; i < v6Parent.length; i++) {
    const p = v6Parent[i]!;
    const parentSet = p < 0 ? empty : v6Chain[p]!;
    v6Chain.push(interner.intern(interner.union(interner.sets[parentSet]!, v6Own[i]!)));
  }
  return { byLength, lengthsDesc, v6Text, v6Own, v6Chain };
}

/**
 * For each /16 block b (and b = 65536 as the end), the last segment starting at or before the
 * block's first address, or -1. The segment holding any address of block b is between the
 * entries for b and b + 1.
 */
function blockTable(sLo: Uint32Array): Int32Array {
  const first = new Int32Array(65537);
  let j = -1;
  for (let block = 0; block <= 65536; block++) {
    const start = block * 65536;
    while (j + 1 < sLo.length && sLo[j + 1]! <= start) j++;
    first[block] = j;
  }
  return first;
}

export function buildCidrIndex(input: CidrInput): CidrIndex {
  const interner = new SetInterner();
  const empty = interner.intern([]);
  const groupSpan = 2 ** Math.max(1, Math.ceil(Math.log2(input.maxGroup + 1)));
  const { n4, uBase, uBits, uOwn, chain4, sLo, sHi, sTop } = buildV4(input, interner, groupSpan);
  const v6 = buildV6(input, interner, empty);
  const { v6Text, v6Own, v6Chain } = v6;
  const n6 = v6Text.length;

  const blockFirst = blockTable(sLo);
  const bytes =
    sLo.byteLength * 3 + blockFirst.byteLength + (chain4.byteLength + uOwn.byteLength) + n4 * 5 + n6 * 120;

  return {
    sizeV4: n4,
    sizeV6: n6,
    findV4(v4) {
      // The /16 table narrows the binary search to the segments around the address's block.
      const block = v4 >>> 16;
      let lo = Math.max(0, blockFirst[block]!);
      let hi = blockFirst[block + 1]!;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if (sLo[mid]! <= v4) lo = mid + 1;
        else hi = mid - 1;
      }
      return hi >= 0 && v4 <= sHi[hi]! ? sTop[hi]! : -1;
    },
    findV6(text) {
      if (n6 === 0) return -1;
      const hex = ipv6Hex(text);
      if (hex === null) return -1;
      const hit = findHexIn(v6, hex, 128);
      return hit < 0 ? -1 : n4 + hit;
    },
    ownGroups(entry) {
      return entry < n4 ? interner.sets[uOwn[entry]!]! : v6Own[entry - n4]!;
    },
    chainSet(entry) {
      return entry < n4 ? chain4[entry]! : v6Chain[entry - n4]!;
    },
    setGroups(set) {
      return interner.sets[set]!;
    },
    get setCount() {
      return interner.sets.length;
    },
    cidrText(entry) {
      return entry < n4 ? `${formatIpv4(uBase[entry]!)}/${uBits[entry]!}` : v6Text[entry - n4]!;
    },
    bytes,
  };
}
