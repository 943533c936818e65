// The beacon score in the spirit of RITA (activecm/rita analysis/beacons.go), with every
// component kept so that a finding can say why: regular gaps between connections (timestamp
// score), regular sizes (data-size score), an even spread over the time seen (histogram score)
// and how long it went on (duration score). Final = 0.25 × (ts + ds + hist + dur).

export interface BeaconScore {
  score: number;
  /** Timestamp score and its parts: Bowley skew of the gaps, median gap, MAD of the gaps. */
  tsScore: number;
  tsSkew: number;
  intervalSeconds: number;
  intervalMad: number;
  /** Mean absolute deviation of the gaps from their median (the "± s" in the explanation). */
  intervalJitter: number;
  /** Data-size score and its parts. */
  dsScore: number;
  dsSkew: number;
  bytes: number;
  bytesMad: number;
  bytesJitter: number;
  /** 1 − coefficient of variation of connections over 24 bins of the span. */
  histScore: number;
  /** Coverage of the observed window, or consecutive hours / 12, whichever is larger. */
  durScore: number;
  connections: number;
  first: number;
  last: number;
  /** Connections per bin (24 bins over first..last), for charts. */
  histogram: number[];
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Skew score, MAD score and the values behind them, as RITA computes them. */
function regularity(values: readonly number[]): {
  score: number;
  skew: number;
  median: number;
  mad: number;
  jitter: number;
} {
  const s = [...values].sort((a, b) => a - b);
  const q1 = quantile(s, 0.25);
  const q2 = quantile(s, 0.5);
  const q3 = quantile(s, 0.75);
  const skew = q3 - q1 < 10 || q2 === q1 || q2 === q3 ? 0 : (q1 + q3 - 2 * q2) / (q3 - q1);
  const dev = s.map((v) => Math.abs(v - q2)).sort((a, b) => a - b);
  const mad = quantile(dev, 0.5);
  const madScore = q2 <= 0 ? 0 : Math.max(0, (q2 - mad) / q2);
  const jitter = dev.reduce((n, v) => n + v, 0) / Math.max(1, dev.length);
  return { score: (1 - Math.abs(skew) + madScore) / 2, skew, median: q2, mad, jitter };
}

/**
 * Scores sorted distinct connection times and the bytes sent by each connection, seen within
 * [windowStart, windowEnd].
 */
export function beaconScore(
  times: readonly number[],
  bytes: readonly number[],
  windowStart: number,
  windowEnd: number,
): BeaconScore {
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) gaps.push(times[i]! - times[i - 1]!);
  const ts = regularity(gaps);
  const ds = regularity(bytes);
  const first = times[0] ?? 0;
  const last = times[times.length - 1] ?? 0;
  const span = Math.max(1, last - first);
  const histogram = new Array<number>(24).fill(0);
  for (const t of times) histogram[Math.min(23, Math.floor(((t - first) / span) * 24))]! += 1;
  const mean = times.length / 24;
  const sd = Math.sqrt(histogram.reduce((n, c) => n + (c - mean) ** 2, 0) / 24);
  const histScore = mean === 0 ? 0 : Math.max(0, 1 - sd / mean);
  // Longest run of consecutive hours with a connection.
  let run = 0;
  let best = 0;
  let prevHour = NaN;
  for (const t of times) {
    const h = Math.floor(t / 3600);
    if (h === prevHour) continue;
    run = h === prevHour + 1 ? run + 1 : 1;
    prevHour = h;
    if (run > best) best = run;
  }
  const coverage = span / Math.max(span, windowEnd - windowStart);
  const durScore = Math.min(1, Math.max(coverage, best / 12));
  const score = 0.25 * (ts.score + ds.score + histScore + durScore);
  return {
    score,
    tsScore: ts.score,
    tsSkew: ts.skew,
    intervalSeconds: ts.median,
    intervalMad: ts.mad,
    intervalJitter: ts.jitter,
    dsScore: ds.score,
    dsSkew: ds.skew,
    bytes: ds.median,
    bytesMad: ds.mad,
    bytesJitter: ds.jitter,
    histScore,
    durScore,
    connections: times.length,
    first,
    last,
    histogram,
  };
}

/** "60 s", "5 min", "1.5 h". */
export function durationWords(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round((seconds / 60) * 10) / 10} min`;
  return `${Math.round((seconds / 3600) * 10) / 10} h`;
}

/** "every 60 s ± 2 s, 420 bytes each time (± 12), 180 times over 3 h". */
export function beaconWords(s: BeaconScore): string {
  return (
    `every ${durationWords(s.intervalSeconds)} ± ${Math.round(s.intervalJitter)} s, ` +
    `${Math.round(s.bytes)} bytes each time (± ${Math.round(s.bytesJitter)}), ` +
    `${s.connections} times over ${durationWords(s.last - s.first)}`
  );
}

/** The score's parts in words: which of them made it a beacon. */
export function componentWords(s: BeaconScore): string {
  const pct = (v: number): string => `${Math.round(v * 100)}%`;
  return (
    `timing regularity ${pct(s.tsScore)} (gaps' skew ${s.tsSkew.toFixed(2)}, typical deviation ${Math.round(s.intervalMad)} s), ` +
    `size regularity ${pct(s.dsScore)} (skew ${s.dsSkew.toFixed(2)}, typical deviation ${Math.round(s.bytesMad)} bytes), ` +
    `evenness over time ${pct(s.histScore)}, persistence ${pct(s.durScore)}; score ${pct(s.score)}`
  );
}
