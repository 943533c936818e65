// The profile book: one HostProfile per host of ours, learned online from every batch the
// behaviour detectors see, and closing buckets of bytes sent to the outside on the watermark.
// Every behaviour detector of a pipeline shares one book. Each calls `observe(view)` first: the
// first call of a batch updates the profiles and records what was new *before* the update; the
// others get the same facts, so the detectors' order does not matter.

import { ipText } from '../core/ip.ts';
import type { Detector, DetectorDeps, FlowView } from '../engine/detector.ts';
import { createNumTable, type NumTable } from '../engine/num-table.ts';
import { createOpenBuckets } from './open-buckets.ts';
import {
  BUCKET_SECONDS,
  MAX_PEERS,
  MAX_PORTS,
  addBounded,
  commitBucket,
  createProfile,
  fillEmpty,
  peerId,
  portKey,
  volumeBaseline,
  type Baseline,
  type HostProfile,
} from './profile.ts';

/** Per-row facts of one batch (indexes into `book.profiles`, -1 when none). */
export interface BatchFacts {
  /** Profile of the host that started the connection (internal source of a request row). */
  client: Int32Array;
  /** Profile of the host answering (internal source of a reply row). */
  server: Int32Array;
  /** 1 when the client's destination port (proto/port) had no history for it. */
  newUsed: Uint8Array;
  /** 1 when the server's source port (proto/port) had no history for it. */
  newServed: Uint8Array;
  /** 1 when the outside destination had never been contacted by the client. */
  newPeer: Uint8Array;
}

/** Bytes to one outside address inside a closing bucket. */
export interface Destination {
  key: number;
  bytes: number;
  /** True when the host had never contacted it before this bucket's first record to it. */
  firstSeen: boolean;
}

export interface ClosedBucket {
  host: number;
  start: number;
  bytes: number;
  connections: number;
  /**
   * The host's baseline from the buckets closed before this one; computed only for buckets of at
   * least BASELINE_MIN_BYTES that are above every bucket of the last day (null otherwise: such a
   * bucket is not unusual, and most buckets cost no baseline).
   */
  baseline: Baseline | null;
  /**
   * With a baseline: the bucket's first MAX_TOPS destinations, the largest first (empty without
   * a baseline: nothing is judged).
   */
  destinations: Destination[];
  /** Keys of the destinations (among those) that the host had never contacted before. */
  firstSeen: number[];
}

/** Open buckets kept per host (a batch spanning hours, before the watermark closes them). */
const MAX_OPEN = 512;
export const BASELINE_MIN_BYTES = 1048576;

function recentHighest(p: HostProfile): number {
  let max = 0;
  for (let i = 0; i < p.recentN; i++) if (p.recent[i]! > max) max = p.recent[i]!;
  return max;
}

/**
 * True when the bucket of time t was committed to the profile before it was saved: a record
 * learned before a restart counts there once. (A record of a bucket that was still open at a
 * periodic save was not saved in any bucket, and is counted when the replay sends it again.)
 */
function committed(p: HostProfile, t: number): boolean {
  return Math.floor(t / BUCKET_SECONDS) <= p.lastBucket;
}

export interface ProfileBook {
  readonly profiles: HostProfile[];
  observe(view: FlowView): BatchFacts;
  /** Closes the buckets ending at or before t; returns those closed by this call (cached per t). */
  advance(t: number): readonly ClosedBucket[];
  /** Profile of an address text, if any. */
  byIp(ip: string): HostProfile | undefined;
  /** Adds a loaded profile (persistence, backfill). */
  add(p: HostProfile): void;
  /** Hosts not profiled because the book was full. */
  readonly dropped: number;
  readonly maxHosts: number;
}

export function createProfileBook(maxHosts = 100_000): ProfileBook {
  const profiles: HostProfile[] = [];
  const index: NumTable = createNumTable(1, maxHosts, 1024);
  const byText = new Map<string, number>();
  // Open buckets by host and bucket index (start / BUCKET_SECONDS, a small integer).
  const open = createOpenBuckets(MAX_OPEN);
  let dropped = 0;
  let facts: BatchFacts | null = null;
  let factsOf: { batch: object; length: number; first: number; last: number } | null = null;
  let nextClose = Infinity;
  let maxStart = -Infinity;
  let advancedTo = -Infinity;
  let closedAny = false;
  let closed: ClosedBucket[] = [];

  function hostIndex(view: FlowView, i: number, src: boolean, t: number): number {
    const key = src ? view.srcKey[i]! : view.dstKey[i]!;
    const r = index.find(key);
    if (r >= 0) return index.get(r, 0);
    const b = view.batch;
    const ip = src ? ipText(b.srcIp4[i]!, b.srcIp6[i] ?? null) : ipText(b.dstIp4[i]!, b.dstIp6[i] ?? null);
    let n = byText.get(ip);
    if (n === undefined) {
      if (profiles.length >= maxHosts) {
        dropped++;
        return -1;
      }
      n = profiles.length;
      profiles.push(createProfile(ip, t));
      byText.set(ip, n);
    }
    const row = index.add(key);
    if (row >= 0) index.set(row, 0, n);
    return n;
  }

  function addBytes(
    host: number,
    t: number,
    dst: number,
    bytes: number,
    conn: boolean,
    fresh: boolean,
  ): void {
    const start = Math.floor(t / BUCKET_SECONDS) * BUCKET_SECONDS;
    if (start < nextClose) {
      if (closedAny) return; // that bucket is closed: late
      nextClose = start;
    }
    const s = open.slot(host, start / BUCKET_SECONDS, start);
    if (s < 0) return;
    if (start > maxStart) maxStart = start;
    open.add(s, dst, bytes, conn, fresh);
  }

  function compute(view: FlowView): BatchFacts {
    const b = view.batch;
    const n = b.length;
    const f: BatchFacts = {
      client: new Int32Array(n).fill(-1),
      server: new Int32Array(n).fill(-1),
      newUsed: new Uint8Array(n),
      newServed: new Uint8Array(n),
      newPeer: new Uint8Array(n),
    };
    for (let i = 0; i < n; i++) {
      if (view.skip[i]) continue;
      const sIn = view.srcInternal[i] === 1;
      const dIn = view.dstInternal[i] === 1;
      if (!sIn && !dIn) continue;
      const t = b.start[i]!;
      const bytes = b.bytes[i]! > 0 ? b.bytes[i]! : 0;
      const proto = b.proto[i]!;
      if (sIn) {
        const h = hostIndex(view, i, true, t);
        if (h < 0) continue;
        const p = profiles[h]!;
        // Learned before a restart (serve replays stored records): counted once already.
        const seen = t <= p.learnedTo;
        if (t < p.first) p.first = t;
        if (t > p.last) p.last = t;
        if (view.reply[i] === 0) {
          if (!seen) p.flows++;
          f.client[i] = h;
          if (b.dstPort[i]! >= 0 && proto >= 0 && !p.usedFull) {
            const r = addBounded(p.used, portKey(proto, b.dstPort[i]!), MAX_PORTS);
            if (r === 'new') f.newUsed[i] = 1;
            else if (r === 'full') p.usedFull = true;
          }
          if (!dIn) {
            let fresh = false;
            if (!p.peersFull) {
              const r = addBounded(p.peers, peerId(view.dstKey[i]!), MAX_PEERS);
              fresh = r === 'new';
              if (r === 'full') p.peersFull = true;
            }
            if (fresh) f.newPeer[i] = 1;
            if (!seen || !committed(p, t)) addBytes(h, t, view.dstKey[i]!, bytes, true, fresh);
          }
        } else {
          f.server[i] = h;
          if (b.srcPort[i]! >= 0 && proto >= 0 && !p.servedFull) {
            const r = addBounded(p.served, portKey(proto, b.srcPort[i]!), MAX_PORTS);
            if (r === 'new') f.newServed[i] = 1;
            else if (r === 'full') p.servedFull = true;
          }
          if (!dIn && (!seen || !committed(p, t))) addBytes(h, t, view.dstKey[i]!, bytes, false, false);
        }
      }
      if (dIn && view.reply[i] === 0) {
        const h = hostIndex(view, i, false, t);
        if (h < 0) continue;
        const p = profiles[h]!;
        if (t > p.learnedTo) p.flows++;
        if (t < p.first) p.first = t;
        if (t > p.last) p.last = t;
      }
    }
    return f;
  }

  return {
    profiles,
    observe(view) {
      const b = view.batch;
      const same =
        factsOf !== null &&
        factsOf.batch === b &&
        factsOf.length === b.length &&
        factsOf.first === b.start[0] &&
        factsOf.last === b.start[b.length - 1];
      if (!same || facts === null) {
        facts = compute(view);
        factsOf = { batch: b, length: b.length, first: b.start[0]!, last: b.start[b.length - 1]! };
      }
      return facts;
    },
    advance(t) {
      if (t === advancedTo) return closed;
      advancedTo = t;
      closed = [];
      while (nextClose !== Infinity && nextClose + BUCKET_SECONDS <= t && nextClose <= maxStart) {
        const start = nextClose;
        const idx = start / BUCKET_SECONDS;
        // Only hosts that sent something in the bucket; the others' empty buckets are filled in
        // when they next send (commitBucket).
        const hosts = open.hostsByBucket.get(idx) ?? [];
        open.hostsByBucket.delete(idx);
        for (const h of hosts) {
          const p = profiles[h]!;
          const s = open.find(h, idx);
          const bytes = s < 0 ? 0 : open.bytes(s);
          fillEmpty(p, start);
          // Reported: buckets that could be unusual (with their baseline), and buckets holding a
          // first contact (callers track those); most buckets are neither and cost nothing more.
          const baseline =
            s >= 0 && bytes >= BASELINE_MIN_BYTES && bytes > recentHighest(p)
              ? volumeBaseline(p, start)
              : null;
          if (s >= 0) {
            const n = open.tops(s);
            let firstSeen: number[] | null = null;
            for (let k = 0; k < n; k++) if (open.topFresh(s, k)) (firstSeen ??= []).push(open.topKey(s, k));
            if (baseline !== null || firstSeen !== null) {
              const destinations: Destination[] = [];
              if (baseline !== null) {
                for (let k = 0; k < n; k++)
                  destinations.push({
                    key: open.topKey(s, k),
                    bytes: open.topBytes(s, k),
                    firstSeen: open.topFresh(s, k),
                  });
                destinations.sort((a, c) => c.bytes - a.bytes);
              }
              closed.push({
                host: h,
                start,
                bytes,
                connections: open.connections(s),
                baseline,
                destinations,
                firstSeen: firstSeen ?? [],
              });
            }
          }
          commitBucket(p, start, bytes);
          if (s >= 0) open.release(h, idx, s);
        }
        nextClose = start + BUCKET_SECONDS;
        closedAny = true;
      }
      return closed;
    },
    byIp(ip) {
      const n = byText.get(ip);
      return n === undefined ? undefined : profiles[n];
    },
    add(p) {
      const n = byText.get(p.ip);
      if (n !== undefined) {
        profiles[n] = p;
        return;
      }
      if (profiles.length >= maxHosts) {
        dropped++;
        return;
      }
      byText.set(p.ip, profiles.length);
      profiles.push(p);
    },
    get dropped() {
      return dropped;
    },
    maxHosts,
  };
}

/** Deps with a book given by the caller (ingest and serve pass the persisted one). */
export interface BehaviorDeps extends DetectorDeps {
  profiles?: ProfileBook;
}

// Without a book in the deps, the detectors of one pipeline share one in-memory book: the
// pipeline gives them all the same NetScope object, which keys it.
const books = new WeakMap<object, ProfileBook>();

export function profileBookFor(deps: DetectorDeps): ProfileBook {
  const given = (deps as BehaviorDeps).profiles;
  if (given !== undefined) return given;
  let b = books.get(deps.scope);
  if (b === undefined) {
    b = createProfileBook();
    books.set(deps.scope, b);
  }
  return b;
}

/** The detectors, each given `book` as its profile book (ingest and serve: the persisted one). */
export function withProfiles(list: readonly Detector[], book: ProfileBook): Detector[] {
  return list.map((d) => ({
    ...d,
    create: (config: unknown, deps: DetectorDeps) =>
      d.create(config, { ...deps, profiles: book } as BehaviorDeps),
  }));
}
