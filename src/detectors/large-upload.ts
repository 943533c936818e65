// Exfiltration:Host/LargeUpload: our host sends a large volume to one outside address in a
// window, or a single huge flow (Slips: 100 MB in one flow, 500 MB to one address in an hour);
// or, once the host's profile is mature (src/behavior), a smaller but still large upload to a
// destination it had never contacted that is far above its own baseline. A first-seen
// destination raises the severity. Only bytes of connections our host started count, so a
// server answering big downloads is not an upload.

import { z } from 'zod';
import { profileBookFor } from '../behavior/book.ts';
import { addPoint, bytesWords, isMature, learningWords, seriesText } from '../behavior/explain.ts';
import { volumeBaseline } from '../behavior/profile.ts';
import type { Detector } from '../engine/detector.ts';
import { flowsQuery, pushSample } from '../engine/evidence.ts';
import { hashKey } from '../engine/keys.ts';
import { createNumTable, type NumTable } from '../engine/num-table.ts';
import { createTumblingWindows } from '../engine/windows.ts';
import { cidrContainsText, parseCidr } from '../findings/cidr.ts';

export const largeUploadConfigSchema = z.object({
  windowSeconds: z.number().int().min(60).default(3600),
  /** Bytes to one outside address in the window. */
  windowBytes: z
    .number()
    .min(1)
    .default(500 * 1024 * 1024),
  /** Bytes in one flow record. */
  flowBytes: z
    .number()
    .min(1)
    .default(100 * 1024 * 1024),
  /** Known upload destinations (backup targets, object storage): IPs or CIDRs. */
  excludeDestinations: z.array(z.string()).default([]),
  severity: z.number().min(1).max(10).default(5),
  /** With a mature profile: bytes to a never-contacted destination in the window ... */
  newDestinationBytes: z
    .number()
    .min(1)
    .default(100 * 1024 * 1024),
  /** ... that are also this many times the host's typical bytes out per window. */
  baselineFactor: z.number().min(1).default(10),
  /** Severity when the destination is first-seen. */
  newDestinationSeverity: z.number().min(1).max(10).default(8),
  /** Profile maturity (cold start) for first-seen destinations. */
  learningSeconds: z.number().min(0).default(3600),
  minFlows: z.number().int().min(0).default(20),
  maxPairs: z.number().int().min(1000).default(2_000_000),
});

interface Upload {
  key: number;
  src: number;
  dst: number;
  bytes: number;
  biggest: number;
  records: number;
  /** Distinct destination ports, at most 10 (a small array: most pairs have one). */
  ports: number[];
  first: number;
  last: number;
  resource: string | null;
  /** Made when the first sample is taken (most pairs are small and never get one). */
  samples: string[] | null;
  /** Profile index of our host, and whether the destination was new to a mature profile. */
  host: number;
  firstSeen: boolean;
  /**
   * Bytes per minute. Most pairs have records in one minute only: that point is kept in
   * `minute`/`minuteBytes`, and `points` is made when a second minute comes.
   */
  minute: number;
  minuteBytes: number;
  points: [number, number][] | null;
}

/** The pairs of one window: a numeric hash table (key -> position in `list`) and the pairs. */
interface Pairs {
  table: NumTable;
  list: Upload[];
}

function addUploadPoint(u: Upload, t: number, bytes: number): void {
  if (u.points === null) {
    const m = Math.floor(t / 60) * 60;
    if (Number.isNaN(u.minute) || u.minute === m) {
      u.minute = m;
      u.minuteBytes += bytes;
      return;
    }
    u.points = [[u.minute, u.minuteBytes]];
  }
  addPoint(u.points, t, 60, bytes, 120);
}

function pointsOf(u: Upload): [number, number][] {
  return u.points ?? (Number.isNaN(u.minute) ? [] : [[u.minute, u.minuteBytes]]);
}

export const largeUpload: Detector<typeof largeUploadConfigSchema> = {
  id: 'large-upload',
  types: ['Exfiltration:Host/LargeUpload'],
  description: 'A large upload from our host to one outside address',
  configSchema: largeUploadConfigSchema,
  create(config, deps) {
    const book = profileBookFor(deps);
    const excluded = config.excludeDestinations.map((c) => parseCidr(c)).filter((c) => c !== null);
    const windows = createTumblingWindows(config.windowSeconds, (): Pairs => ({
      table: createNumTable(1, config.maxPairs),
      list: [],
    }));
    let previous: { end: number; pairs: Pairs } | null = null;
    return {
      onFlows(view) {
        const facts = book.observe(view);
        const b = view.batch;
        for (let i = 0; i < b.length; i++) {
          if (view.skip[i] || view.reply[i] || !view.srcInternal[i] || view.dstInternal[i]) continue;
          const bytes = b.bytes[i]!;
          if (!(bytes > 0)) continue;
          const w = windows.at(b.start[i]!);
          if (w === null) continue;
          const k = hashKey(view.srcKey[i]!, view.dstKey[i]!);
          const row = w.table.find(k);
          let u = row < 0 ? undefined : w.list[w.table.get(row, 0)];
          if (u === undefined) {
            if (w.list.length >= config.maxPairs) continue;
            const added = w.table.add(k);
            if (added < 0) continue;
            w.table.set(added, 0, w.list.length);
            u = {
              key: k,
              src: view.srcKey[i]!,
              dst: view.dstKey[i]!,
              bytes: 0,
              biggest: 0,
              records: 0,
              ports: [],
              first: b.start[i]!,
              last: b.start[i]!,
              resource: b.resource[i] ?? null,
              samples: null,
              host: facts.client[i]!,
              firstSeen: false,
              minute: NaN,
              minuteBytes: 0,
              points: null,
            };
            w.list.push(u);
          }
          if (facts.newPeer[i] && u.host >= 0) {
            const prof = book.profiles[u.host]!;
            if (isMature(prof, b.start[i]!, config)) u.firstSeen = true;
          }
          addUploadPoint(u, b.start[i]!, bytes);
          u.bytes += bytes;
          u.records++;
          if (bytes > u.biggest) u.biggest = bytes;
          const port = b.dstPort[i]!;
          if (u.ports.length < 10 && !u.ports.includes(port)) u.ports.push(port);
          u.first = Math.min(u.first, b.start[i]!);
          u.last = Math.max(u.last, b.start[i]!);
          if (bytes >= config.flowBytes / 100 || u.bytes >= config.windowBytes / 10)
            pushSample((u.samples ??= []), b, i);
        }
      },
      onWatermark(t, ctx) {
        book.advance(t);
        windows.closeUpTo(t, (start, end, w) => {
          // An upload straddling two windows is judged over both (a sliding check at half the cost).
          const before = previous !== null && previous.end === start ? previous.pairs : null;
          previous = { end, pairs: w };
          for (const u of w.list) {
            const row = before === null ? -1 : before.table.find(u.key);
            const prior = row < 0 ? undefined : before!.list[before!.table.get(row, 0)];
            // A destination first seen in the previous window is still first-seen in this one.
            if (prior?.firstSeen) u.firstSeen = true;
            const carried =
              prior !== undefined && prior.bytes < config.windowBytes && prior.biggest < config.flowBytes;
            if (carried) {
              u.bytes += prior.bytes;
              u.records += prior.records;
              u.first = Math.min(u.first, prior.first);
              u.firstSeen ||= prior.firstSeen;
            }
            const byWindow = u.bytes >= config.windowBytes;
            const byFlow = u.biggest >= config.flowBytes;
            // Most pairs are small: the baseline is looked up only for a possible first-seen upload.
            const candidate = u.firstSeen && u.bytes >= config.newDestinationBytes;
            if (!byWindow && !byFlow && !candidate) continue;
            const prof = u.host >= 0 ? book.profiles[u.host] : undefined;
            const base = prof === undefined ? null : volumeBaseline(prof, start);
            const typical = base === null ? 0 : (base.typical * config.windowSeconds) / 600;
            const byBaseline = candidate && u.bytes >= config.baselineFactor * typical;
            if (!byWindow && !byFlow && !byBaseline) continue;
            if (carried) {
              u.samples = [...(prior.samples ?? []), ...(u.samples ?? [])].slice(0, 20);
              u.points = [...pointsOf(prior), ...pointsOf(u)];
            }
            const host = ctx.keyText(u.src);
            const dst = ctx.keyText(u.dst);
            if (excluded.some((c) => cidrContainsText(c, dst))) continue;
            const mb = (n: number): string => `${Math.round((n / 1048576) * 10) / 10} MB`;
            const learned = prof === undefined ? 'no profile' : learningWords(prof, u.first, config);
            const novelty = u.firstSeen
              ? `${dst} is a destination ${host} had never contacted (${learned})`
              : `${host} had contacted ${dst} before, or its profile is not mature yet (${learned})`;
            const baselineText =
              base === null
                ? 'no baseline'
                : `${host} usually sends ${bytesWords(typical)} per ${config.windowSeconds / 60} min to the outside (${base.kind === 'hour-of-day' ? 'this hour of day' : 'median of recent buckets'}, ${base.buckets} buckets)`;
            ctx.emit({
              type: 'Exfiltration:Host/LargeUpload',
              severity: u.firstSeen
                ? Math.max(config.severity, config.newDestinationSeverity)
                : config.severity,
              resource: { ip: host, id: u.resource },
              actor: { ip: dst, port: u.ports.length === 1 ? u.ports[0]! : null },
              role: 'actor',
              discriminator: '',
              title: `${host} uploaded ${mb(u.bytes)} to ${dst}`,
              description: `${host} sent ${mb(u.bytes)} in ${u.records} flows to ${dst} (ports ${u.ports.join(',')}) within ${config.windowSeconds / 60} min; largest flow ${mb(u.biggest)} (thresholds ${mb(config.windowBytes)} per window, ${mb(config.flowBytes)} per flow; ${mb(config.newDestinationBytes)} and ${config.baselineFactor}× the baseline to a first-seen destination). ${novelty}; ${baselineText}.`,
              threshold: byWindow ? config.windowBytes : config.flowBytes,
              observed: byWindow ? u.bytes : u.biggest,
              windowStart: u.first < start ? start - config.windowSeconds : start,
              windowEnd: end,
              sample: u.samples ?? [],
              query: flowsQuery({ srcIp: host, dstIp: dst, from: start, to: end }),
              firstSeen: u.first,
              lastSeen: u.last,
              detail: {
                bytes: u.bytes,
                largestFlow: u.biggest,
                flows: u.records,
                explanation: `${bytesWords(u.bytes)} to ${dst}; ${novelty}; ${baselineText}`,
                firstSeenDestination: u.firstSeen,
                baselineKind: base?.kind ?? 'none',
                baselineBytesPerWindow: Math.round(typical),
                learningSince: prof?.first ?? u.first,
                series: seriesText({
                  kind: 'bytes-to-destination',
                  unit: 'bytes per minute',
                  points: pointsOf(u),
                  baseline: Math.round(typical / (config.windowSeconds / 60)),
                }),
              },
              detector: 'large-upload',
            });
          }
        });
      },
      stateSize() {
        let n = previous?.pairs.list.length ?? 0;
        for (const [, w] of windows.open()) n += w.list.length;
        return n;
      },
    };
  },
};
