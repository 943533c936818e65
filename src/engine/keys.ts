// Numeric keys for the hot path: Maps keyed by numbers, no string building per record.
// An address key is the IPv4 integer, or 2^32 + an interned index for IPv6.

import { formatIpv4 } from '../core/ip.ts';

const TWO32 = 4294967296;

export interface AddressInterner {
  key(v4: number, v6: string | null): number;
  text(key: number): string;
  readonly size: number;
}

/** IPv6 texts are interned; the table is bounded (on overflow it restarts, keys stay unique). */
export function createAddressInterner(maxV6 = 1_000_000): AddressInterner {
  let ids = new Map<string, number>();
  let texts: string[] = [];
  let generation = 0;
  return {
    key(v4, v6) {
      if (v6 === null) return v4;
      let id = ids.get(v6);
      if (id === undefined) {
        if (texts.length >= maxV6) {
          ids = new Map();
          texts = [];
          generation++;
        }
        id = texts.length;
        texts.push(v6);
        ids.set(v6, id);
      }
      return TWO32 + generation * maxV6 + id;
    },
    text(key) {
      if (key < TWO32) return formatIpv4(key);
      const id = key - TWO32 - generation * maxV6;
      // Keys of an older generation no longer resolve (state that old has been evicted).
      return (id >= 0 ? texts[id] : undefined) ?? '::';
    },
    get size() {
      return texts.length;
    },
  };
}

function fold(a: number): number {
  return a < TWO32 ? a | 0 : ((a % TWO32) ^ Math.floor(a / TWO32)) | 0;
}

/** A 53-bit hash of up to three numbers, used as a key for pairs and triples (two multiplies per part). */
export function hashKey(a: number, b: number, c = 0): number {
  const fa = fold(a);
  const fb = fold(b);
  const fc = fold(c);
  let h1 =
    Math.imul(fa, 0x9e3779b1) ^
    Math.imul(fb ^ 0x5bd1e995, 0x85ebca77) ^
    Math.imul(fc ^ 0x27d4eb2f, 0xc2b2ae3d);
  h1 = Math.imul(h1 ^ (h1 >>> 15), 0x2c1b3c6d);
  let h2 = Math.imul(fa ^ 0x68e31da4, 0x165667b1) + Math.imul(fb, 0x27d4eb2f) + Math.imul(fc, 0x9e3779b1);
  h2 = Math.imul(h2 ^ (h2 >>> 13), 0x85ebca77);
  return ((h1 ^ (h1 >>> 16)) >>> 0) * 2097152 + ((h2 ^ (h2 >>> 16)) & 0x1fffff);
}

export function isV6Key(key: number): boolean {
  return key >= TWO32;
}
