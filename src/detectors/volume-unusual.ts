// Behavior:Host/TrafficVolumeUnusual: a host of ours sends far more bytes to the outside in a
// 10-minute bucket than its own baseline: the same hour of day once two days of that hour are
// known (seasonal), else the median of its recent buckets. The bucket must be above every bucket
// in the baseline. When most of the excess goes to a destination the host had never contacted,
// the finding is left to Exfiltration:Host/LargeUpload (one finding per event, not two).

import { z } from 'zod';
import { profileBookFor, type ClosedBucket } from '../behavior/book.ts';
import { bytesWords, seriesText } from '../behavior/explain.ts';
import { durationWords } from '../behavior/beacon-score.ts';
import { BUCKET_SECONDS, hourlyMeans, RECENT_BUCKETS } from '../behavior/profile.ts';
import type { Detector, DetectorContext } from '../engine/detector.ts';
import { flowsQuery } from '../engine/evidence.ts';
import { hashKey } from '../engine/keys.ts';
import { createNumTable, type NumTable } from '../engine/num-table.ts';

export const volumeUnusualConfigSchema = z.object({
  /** Buckets of history a host needs before a baseline finding (cold start; 6 = 1 h). */
  minBuckets: z.number().int().min(1).default(6),
  /** The bucket must exceed typical + sigmas × spread ... */
  sigmas: z.number().min(0).default(6),
  /** ... and factor × typical ... */
  factor: z.number().min(1).default(5),
  /** ... and 1.5 × the highest bucket of the baseline ... */
  overHighest: z.number().min(1).default(1.5),
  /** ... and this many bytes (at least 1 MiB: smaller buckets are never judged). */
  minBytes: z
    .number()
    .min(1048576)
    .default(50 * 1048576),
  severity: z.number().min(1).max(10).default(5),
  /** A destination first contacted this recently counts as new (its upload is LargeUpload's). */
  freshSeconds: z.number().min(0).default(7200),
});

const MAX_FRESH = 100_000;

export const volumeUnusual: Detector<typeof volumeUnusualConfigSchema> = {
  id: 'volume-unusual',
  types: ['Behavior:Host/TrafficVolumeUnusual'],
  description: 'A host of ours sends far more to the outside than its own baseline',
  configSchema: volumeUnusualConfigSchema,
  create(config, deps) {
    const book = profileBookFor(deps);
    // (host, destination) first contacted recently -> when: an upload spanning several buckets
    // to a new destination stays LargeUpload's in the later buckets too.
    // A numeric hash table (column 0: the bucket start), emptied at a watermark once it holds
    // more than MAX_FRESH keys.
    const newFresh = (): NumTable => createNumTable(1, Number.MAX_SAFE_INTEGER);
    let fresh = newFresh();

    function judge(ctx: DetectorContext, c: ClosedBucket): void {
      const base = c.baseline;
      if (base === null || base.buckets < config.minBuckets) return;
      const limit = Math.max(
        base.typical + config.sigmas * base.spread,
        config.factor * base.typical,
        config.overHighest * base.highest,
        config.minBytes,
      );
      if (c.bytes < limit) return;
      const top = c.destinations[0];
      if (top === undefined) return;
      // Mostly to a first-seen destination: LargeUpload reports it.
      let freshBytes = 0;
      for (const d of c.destinations) {
        const r = fresh.find(hashKey(c.host, d.key));
        if (r >= 0 && c.start - fresh.get(r, 0) <= config.freshSeconds) freshBytes += d.bytes;
      }
      if (freshBytes >= 0.5 * (c.bytes - base.typical)) return;
      const p = book.profiles[c.host]!;
      const dst = ctx.keyText(top.key);
      const seasonal = base.kind === 'hour-of-day';
      const typicalText = `${bytesWords(base.typical)} per 10 min (${seasonal ? `the mean of this hour of day over ${base.buckets} buckets` : `the median of its last ${base.buckets} buckets`}, spread ${bytesWords(base.spread)}, highest ${bytesWords(base.highest)})`;
      const ratio =
        base.typical <= 0
          ? null
          : c.bytes > 1000 * base.typical
            ? 'over 1000'
            : String(Math.round((c.bytes / base.typical) * 10) / 10);
      const recent = Array.from({ length: p.recentN }, (_, j) => {
        const pos = (p.recentPos - p.recentN + j + RECENT_BUCKETS) % RECENT_BUCKETS;
        return p.recent[pos]!;
      });
      const points: [number, number][] = recent.map((v, j) => [
        c.start - (recent.length - j) * BUCKET_SECONDS,
        v,
      ]);
      points.push([c.start, c.bytes]);
      ctx.emit({
        type: 'Behavior:Host/TrafficVolumeUnusual',
        severity: config.severity,
        resource: { ip: p.ip, id: null },
        actor: { ip: dst, port: null },
        role: 'actor',
        discriminator: '',
        actorInIdentity: false,
        title: `${p.ip} sent ${bytesWords(c.bytes)} to the outside in 10 min${ratio === null ? '' : `, ${ratio}× its usual`}`,
        description:
          `${p.ip} sent ${bytesWords(c.bytes)} to outside addresses between ${new Date(c.start * 1000).toISOString()} and +10 min ` +
          `(${c.connections} connections; most to ${dst}: ${bytesWords(top.bytes)}). Its baseline: ${typicalText}, ` +
          `learned over ${durationWords(c.start - p.first)}. Threshold ${bytesWords(limit)}.`,
        threshold: Math.round(limit),
        observed: c.bytes,
        windowStart: c.start,
        windowEnd: c.start + BUCKET_SECONDS,
        sample: [],
        query: flowsQuery({ srcIp: p.ip, from: c.start, to: c.start + BUCKET_SECONDS }),
        firstSeen: c.start,
        lastSeen: c.start + BUCKET_SECONDS,
        detail: {
          explanation: `${bytesWords(c.bytes)} in 10 min against a baseline of ${typicalText}`,
          bytes: c.bytes,
          baselineKind: base.kind,
          baselineTypical: Math.round(base.typical),
          baselineSpread: Math.round(base.spread),
          baselineHighest: base.highest,
          baselineBuckets: base.buckets,
          learningSince: p.first,
          topDestination: dst,
          topDestinationBytes: top.bytes,
          hourlyBaseline: hourlyMeans(p).map(String),
          series: seriesText({
            kind: 'bytes-out',
            unit: 'bytes per 10 min',
            points,
            baseline: Math.round(base.typical),
          }),
        },
        detector: 'volume-unusual',
      });
    }

    return {
      onFlows(view) {
        book.observe(view);
      },
      onWatermark(t, ctx) {
        const closed = book.advance(t);
        if (fresh.size > MAX_FRESH) fresh = newFresh();
        for (const c of closed)
          // Only first contacts of a host with history count (LargeUpload judges those).
          if (c.start - book.profiles[c.host]!.first >= config.minBuckets * BUCKET_SECONDS)
            for (const k of c.firstSeen) fresh.set(fresh.add(hashKey(c.host, k)), 0, c.start);
        for (const c of closed) judge(ctx, c);
      },
      stateSize: () => book.profiles.length,
    };
  },
};
