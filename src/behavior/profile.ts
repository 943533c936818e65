// The profile of one of our hosts: the ports it serves and uses, the outside addresses it has
// started connections to, and the bytes it sends to the outside in buckets of `BUCKET_SECONDS`,
// summed by hour of day and by weekday. Everything is bounded: a profile that reaches a cap is
// marked saturated and no longer claims that something is "new" for that part.

export const BUCKET_SECONDS = 600;
/** Buckets kept for the recent (non-seasonal) baseline: one day. */
export const RECENT_BUCKETS = 144;
export const MAX_PORTS = 256;
export const MAX_PEERS = 1024;
/** Buckets an hour-of-day slot needs before it is the baseline (two days of that hour). */
export const SEASONAL_MIN = 12;

export interface HostProfile {
  ip: string;
  /** Event time of the first and last record seen for the host. */
  first: number;
  last: number;
  flows: number;
  /** proto * 65536 + port of connections the host started. */
  used: Set<number>;
  usedFull: boolean;
  /** proto * 65536 + port the host answered on. */
  served: Set<number>;
  servedFull: boolean;
  /** Ids of outside addresses the host started connections to (see peerId). */
  peers: Set<number>;
  peersFull: boolean;
  /** Bytes to the outside per closed bucket, by hour of day (count, sum, sum of squares). */
  hourN: Float64Array;
  hourSum: Float64Array;
  hourSq: Float64Array;
  /** Bytes to the outside per closed bucket, by weekday (0 = Sunday; count, sum). */
  dayN: Float64Array;
  daySum: Float64Array;
  /** The last RECENT_BUCKETS closed buckets (ring) and how many are filled. */
  recent: Float64Array;
  recentN: number;
  recentPos: number;
  /** Index (start / BUCKET_SECONDS) of the last bucket committed, -1 before the first. */
  lastBucket: number;
  /**
   * Not stored: `last` when the profile was loaded (-Infinity for a new one). A record at or
   * before it was learned before the restart; serve's replay of stored records sends it again
   * and it must not be counted twice (see book.ts).
   */
  learnedTo: number;
}

export function createProfile(ip: string, t: number): HostProfile {
  return {
    ip,
    first: t,
    last: t,
    flows: 0,
    used: new Set(),
    usedFull: false,
    served: new Set(),
    servedFull: false,
    peers: new Set(),
    peersFull: false,
    hourN: new Float64Array(24),
    hourSum: new Float64Array(24),
    hourSq: new Float64Array(24),
    dayN: new Float64Array(7),
    daySum: new Float64Array(7),
    recent: new Float64Array(RECENT_BUCKETS),
    recentN: 0,
    recentPos: 0,
    lastBucket: -1,
    learnedTo: -Infinity,
  };
}

/** A small-integer id for an outside address key (IPv4 integer or interned IPv6). */
export function peerId(key: number): number {
  return key % 1073741789;
}

export function portKey(proto: number, port: number): number {
  return proto * 65536 + port;
}

export function portName(key: number): string {
  const proto = Math.floor(key / 65536);
  const name = proto === 6 ? 'tcp' : proto === 17 ? 'udp' : `proto${proto}`;
  return `${name}/${key % 65536}`;
}

/** Adds to a bounded set; returns true when the value was not there (and the set was not full). */
export function addBounded(set: Set<number>, v: number, max: number): 'new' | 'known' | 'full' {
  if (set.has(v)) return 'known';
  if (set.size >= max) return 'full';
  set.add(v);
  return 'new';
}

/** Most empty buckets filled in at once after a silence (a week); older ones are left out. */
export const MAX_FILL = 1008;

/**
 * Records a closed bucket of bytes sent to the outside, after the empty buckets since the last
 * one (a host is only visited when it sent something). The last bucket committed again (a
 * profile saved at a stop, whose last bucket was closed before it was over) gets the bytes added.
 */
export function commitBucket(p: HostProfile, bucketStart: number, bytes: number): void {
  const idx = Math.floor(bucketStart / BUCKET_SECONDS);
  if (p.lastBucket >= 0 && idx === p.lastBucket) {
    if (bytes > 0) addToLastBucket(p, bucketStart, bytes);
    return;
  }
  if (p.lastBucket >= 0 && idx < p.lastBucket) return;
  if (p.lastBucket >= 0)
    for (let k = Math.max(p.lastBucket + 1, idx - MAX_FILL); k < idx; k++)
      addBucket(p, k * BUCKET_SECONDS, 0);
  addBucket(p, bucketStart, bytes);
  p.lastBucket = idx;
}

/** The empty buckets between the last one committed and the bucket starting at `bucketStart`. */
export function fillEmpty(p: HostProfile, bucketStart: number): void {
  const idx = Math.floor(bucketStart / BUCKET_SECONDS);
  if (p.lastBucket < 0 || idx - 1 <= p.lastBucket) return;
  commitBucket(p, (idx - 1) * BUCKET_SECONDS, 0);
}

function addToLastBucket(p: HostProfile, bucketStart: number, bytes: number): void {
  const h = Math.floor(bucketStart / 3600) % 24;
  const w = (Math.floor(bucketStart / 86400) + 4) % 7;
  const pos = (p.recentPos + RECENT_BUCKETS - 1) % RECENT_BUCKETS;
  const old = p.recent[pos]!;
  p.hourSum[h]! += bytes;
  p.hourSq[h]! += (old + bytes) * (old + bytes) - old * old;
  p.daySum[w]! += bytes;
  p.recent[pos] = old + bytes;
}

function addBucket(p: HostProfile, bucketStart: number, bytes: number): void {
  const h = Math.floor(bucketStart / 3600) % 24;
  // 1970-01-01 was a Thursday (4).
  const w = (Math.floor(bucketStart / 86400) + 4) % 7;
  p.hourN[h]! += 1;
  p.hourSum[h]! += bytes;
  p.hourSq[h]! += bytes * bytes;
  p.dayN[w]! += 1;
  p.daySum[w]! += bytes;
  p.recent[p.recentPos] = bytes;
  p.recentPos = (p.recentPos + 1) % RECENT_BUCKETS;
  if (p.recentN < RECENT_BUCKETS) p.recentN++;
}

export interface Baseline {
  /**
   * "hour-of-day" when that hour has SEASONAL_MIN buckets of history, else "recent" (the median of
   * the last day's buckets in which the host sent something, or of all when fewer than 3).
   */
  kind: 'hour-of-day' | 'recent';
  /** Typical bytes per bucket (mean of the hour, or median of the recent buckets). */
  typical: number;
  /** Spread: standard deviation of the hour, or 1.4826 × MAD of the recent buckets. */
  spread: number;
  /** The highest bucket in the history used. */
  highest: number;
  /** Buckets the baseline is made of. */
  buckets: number;
}

function median(sorted: ArrayLike<number>): number {
  if (sorted.length === 0) return 0;
  const m = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
}

/** The host's baseline for the bucket starting at `bucketStart`, from buckets closed before it. */
export function volumeBaseline(p: HostProfile, bucketStart: number): Baseline {
  // Typed arrays sort numerically without a comparator (and allocate no boxed numbers).
  const recent = p.recent.slice(0, p.recentN).sort();
  const highest = recent.length === 0 ? 0 : recent[recent.length - 1]!;
  const h = new Date(bucketStart * 1000).getUTCHours();
  const n = p.hourN[h]!;
  if (n >= SEASONAL_MIN) {
    const mean = p.hourSum[h]! / n;
    const variance = Math.max(0, p.hourSq[h]! / n - mean * mean);
    return { kind: 'hour-of-day', typical: mean, spread: Math.sqrt(variance), highest, buckets: n };
  }
  // A host that sends in bursts (a backup every 30 min) is judged against its bursts: the
  // buckets in which it sent something, when there are a few of them.
  let firstBusy = 0;
  while (firstBusy < recent.length && !(recent[firstBusy]! > 0)) firstBusy++;
  const base = recent.length - firstBusy >= 3 ? recent.subarray(firstBusy) : recent;
  const med = median(base);
  const mad = median(base.map((v) => Math.abs(v - med)).sort());
  return { kind: 'recent', typical: med, spread: 1.4826 * mad, highest, buckets: recent.length };
}

/** Bytes per hour of day (mean of the closed buckets × buckets per hour), for charts. */
export function hourlyMeans(p: HostProfile): number[] {
  const perHour = 3600 / BUCKET_SECONDS;
  return Array.from(p.hourN, (n, h) => (n === 0 ? 0 : Math.round((p.hourSum[h]! / n) * perHour)));
}

/** The profile as JSON-safe data (persistence). */
export function profileToJson(p: HostProfile): Record<string, unknown> {
  return {
    ip: p.ip,
    first: p.first,
    last: p.last,
    flows: p.flows,
    used: [...p.used],
    usedFull: p.usedFull,
    served: [...p.served],
    servedFull: p.servedFull,
    peers: [...p.peers],
    peersFull: p.peersFull,
    hourN: [...p.hourN],
    hourSum: [...p.hourSum],
    hourSq: [...p.hourSq],
    dayN: [...p.dayN],
    daySum: [...p.daySum],
    recent: [...p.recent],
    recentN: p.recentN,
    recentPos: p.recentPos,
    lastBucket: p.lastBucket,
  };
}

const nums = (v: unknown, len?: number): number[] => {
  const a = Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)) : [];
  return len === undefined ? a : Array.from({ length: len }, (_, i) => a[i] ?? 0);
};
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Reads a stored profile; fields that are missing or malformed start empty. */
export function profileFromJson(o: Record<string, unknown>): HostProfile | null {
  if (typeof o.ip !== 'string') return null;
  const p = createProfile(o.ip, num(o.first));
  p.last = num(o.last);
  p.flows = num(o.flows);
  p.used = new Set(nums(o.used).slice(0, MAX_PORTS));
  p.usedFull = o.usedFull === true;
  p.served = new Set(nums(o.served).slice(0, MAX_PORTS));
  p.servedFull = o.servedFull === true;
  p.peers = new Set(nums(o.peers).slice(0, MAX_PEERS));
  p.peersFull = o.peersFull === true;
  p.hourN.set(nums(o.hourN, 24));
  p.hourSum.set(nums(o.hourSum, 24));
  p.hourSq.set(nums(o.hourSq, 24));
  p.dayN.set(nums(o.dayN, 7));
  p.daySum.set(nums(o.daySum, 7));
  p.recent.set(nums(o.recent, RECENT_BUCKETS));
  p.recentN = Math.min(RECENT_BUCKETS, Math.max(0, Math.floor(num(o.recentN))));
  p.recentPos = Math.min(RECENT_BUCKETS - 1, Math.max(0, Math.floor(num(o.recentPos))));
  p.lastBucket = typeof o.lastBucket === 'number' && Number.isFinite(o.lastBucket) ? o.lastBucket : -1;
  p.learnedTo = p.last;
  return p;
}
