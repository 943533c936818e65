// The buckets of bytes sent to the outside that are still open (before the watermark closes
// them), for every host of a profile book, in flat typed arrays: a slot per (host, bucket) with
// its bytes, connections and its first MAX_TOPS destinations. Slots are reused once closed, so
// the per-record path allocates nothing (the profile book was spending a fifth of its time in the
// garbage collector on an object, a Map and destination objects per open bucket).

import { peerId } from './profile.ts';

export const MAX_TOPS = 16;

export interface OpenBuckets {
  /** The slot of (host, bucket index), created when absent; -1 when the host has `maxOpen` open. */
  slot(host: number, idx: number, start: number): number;
  /** The slot of (host, bucket index), or -1. */
  find(host: number, idx: number): number;
  /** Adds bytes to a slot's bucket and to its destination (the first MAX_TOPS destinations). */
  add(s: number, dst: number, bytes: number, conn: boolean, fresh: boolean): void;
  /** Frees the slot of (host, bucket index) for reuse. */
  release(host: number, idx: number, s: number): void;
  bytes(s: number): number;
  connections(s: number): number;
  /** Destinations of the slot, in the order they came: count, then by position. */
  tops(s: number): number;
  topKey(s: number, k: number): number;
  topBytes(s: number, k: number): number;
  topFresh(s: number, k: number): boolean;
  /** Bucket indexes -> hosts with an open slot there, for the watermark to close. */
  readonly hostsByBucket: Map<number, number[]>;
}

export function createOpenBuckets(maxOpen: number): OpenBuckets {
  let cap = 1024;
  let start = new Float64Array(cap);
  let bytes = new Float64Array(cap);
  let conns = new Float64Array(cap);
  let topN = new Uint8Array(cap);
  let topId = new Int32Array(cap * MAX_TOPS);
  let topKey = new Float64Array(cap * MAX_TOPS);
  let topBytes = new Float64Array(cap * MAX_TOPS);
  let topFresh = new Uint8Array(cap * MAX_TOPS);
  let used = 0;
  const free: number[] = [];
  // Per host: bucket index -> slot, and the slot of its last record (consecutive records of a
  // host nearly always fall in the same bucket).
  const byHost: Map<number, number>[] = [];
  const last: number[] = [];
  const hostsByBucket = new Map<number, number[]>();

  function grow(): void {
    const n = cap * 2;
    const more = <T extends Float64Array | Int32Array | Uint8Array>(
      a: T,
      make: (len: number) => T,
      per = 1,
    ): T => {
      const b = make(n * per);
      b.set(a);
      return b;
    };
    start = more(start, (l) => new Float64Array(l));
    bytes = more(bytes, (l) => new Float64Array(l));
    conns = more(conns, (l) => new Float64Array(l));
    topN = more(topN, (l) => new Uint8Array(l));
    topId = more(topId, (l) => new Int32Array(l), MAX_TOPS);
    topKey = more(topKey, (l) => new Float64Array(l), MAX_TOPS);
    topBytes = more(topBytes, (l) => new Float64Array(l), MAX_TOPS);
    topFresh = more(topFresh, (l) => new Uint8Array(l), MAX_TOPS);
    cap = n;
  }

  return {
    slot(host, idx, bucketStart) {
      while (byHost.length <= host) {
        byHost.push(new Map());
        last.push(-1);
      }
      const l = last[host]!;
      if (l >= 0 && start[l] === bucketStart) return l;
      const m = byHost[host]!;
      let s = m.get(idx);
      if (s === undefined) {
        if (m.size >= maxOpen) return -1;
        s = free.pop();
        if (s === undefined) {
          if (used === cap) grow();
          s = used++;
        }
        start[s] = bucketStart;
        bytes[s] = 0;
        conns[s] = 0;
        topN[s] = 0;
        m.set(idx, s);
        const list = hostsByBucket.get(idx);
        if (list === undefined) hostsByBucket.set(idx, [host]);
        else list.push(host);
      }
      last[host] = s;
      return s;
    },
    find(host, idx) {
      return byHost[host]?.get(idx) ?? -1;
    },
    add(s, dst, b, conn, fresh) {
      bytes[s]! += b;
      if (conn) conns[s]!++;
      // Destinations are told apart by their peer id, as the profile's peers are.
      const id = peerId(dst);
      const base = s * MAX_TOPS;
      const n = topN[s]!;
      for (let k = base; k < base + n; k++)
        if (topId[k] === id) {
          topBytes[k]! += b;
          return;
        }
      if (n >= MAX_TOPS) return;
      topId[base + n] = id;
      topKey[base + n] = dst;
      topBytes[base + n] = b;
      topFresh[base + n] = fresh ? 1 : 0;
      topN[s] = n + 1;
    },
    release(host, idx, s) {
      byHost[host]?.delete(idx);
      if (last[host] === s) last[host] = -1;
      free.push(s);
    },
    bytes: (s) => bytes[s]!,
    connections: (s) => conns[s]!,
    tops: (s) => topN[s]!,
    topKey: (s, k) => topKey[s * MAX_TOPS + k]!,
    topBytes: (s, k) => topBytes[s * MAX_TOPS + k]!,
    topFresh: (s, k) => topFresh[s * MAX_TOPS + k] === 1,
    hostsByBucket,
  };
}
