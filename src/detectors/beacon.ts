// Backdoor:Host/C&CActivity.Beacon: one of our hosts calls the same outside address and port
// at regular intervals with regular sizes (RITA-style score, behavior/beacon-score.ts). Only
// connections that were answered count (a SYN without ACK, a REJECT, or a pair whose requests
// mostly got no reply is not a beacon: rita-legacy#117). Routine periodic traffic is left out
// and says why: DNS/NTP (infrastructure ports), destinations many of our hosts call (prevalence:
// update servers, metrics SaaS), bulk transfers (backups), trusted addresses.

import { z } from 'zod';
import { beaconScore, beaconWords, componentWords, durationWords } from '../behavior/beacon-score.ts';
import { cidrContainsText, parseCidr } from '../findings/cidr.ts';
import type { Detector, DetectorContext } from '../engine/detector.ts';
import { flowsQuery, protoName } from '../engine/evidence.ts';
import { hashKey } from '../engine/keys.ts';
import { createNumTable, type NumTable } from '../engine/num-table.ts';
import { captureSample, sampleRecordText, type SampleRecord } from '../engine/sample-record.ts';

export const beaconConfigSchema = z.object({
  /** Score (0-1) from which a pair is a beacon; RITA calls below 0.5 nothing. */
  threshold: z.number().min(0.5).max(1).default(0.7),
  /** Distinct connection times needed, and how long they must span. */
  minConnections: z.number().int().min(4).default(12),
  minSpanSeconds: z.number().min(60).default(1200),
  /** History scored for each pair (older connections are forgotten). */
  horizonSeconds: z.number().min(600).default(86400),
  /** How often (event time) pairs are scored. */
  evaluateSeconds: z.number().min(60).default(3600),
  /** Destinations this many of our hosts call are shared infrastructure, not a C&C. */
  prevalentClients: z.number().int().min(2).default(3),
  /** proto/port pairs that are infrastructure (resolvers, time servers). */
  infrastructurePorts: z.array(z.string().regex(/^(tcp|udp)\/\d+$/)).default(['udp/53', 'tcp/53', 'udp/123']),
  /** A median request above this is a bulk transfer (backups), not a beacon. */
  maxMedianBytes: z
    .number()
    .min(1)
    .default(1024 * 1024),
  /**
   * Mean deviation of the gaps from their median, as a fraction of it, above which the timing is
   * not regular. Flow logs round times to their capture interval, which makes RITA's MAD zero for
   * random once-a-minute calls; this gate keeps them out.
   */
  maxJitterRatio: z.number().min(0).max(1).default(0.2),
  /** Pairs whose requests were answered less often than this are failed, not beacons. */
  minAnsweredRatio: z.number().min(0).max(1).default(0.5),
  /** Also score pairs between two internal hosts. */
  includeInternal: z.boolean().default(false),
  /** Expected periodic destinations (IPs or CIDRs). */
  allowDestinations: z.array(z.string()).default([]),
  maxPairs: z.number().int().min(100).default(500_000),
  /** Connection times kept per pair. */
  maxEvents: z.number().int().min(16).default(2000),
});

interface Pair {
  src: number;
  dst: number;
  port: number;
  proto: number;
  times: number[];
  bytes: number[];
  attempts: number;
  failed: number;
  replies: number;
  resource: string | null;
  /** Kept as numbers: the text is made only for a pair that is reported. */
  sample: SampleRecord[];
  /**
   * Recent connections, oldest first: source port, first and last record time (three numbers
   * each; at most MAX_CONNS).
   */
  conns: number[];
}

/**
 * A record with the source port of a recent connection, within this many seconds of its span,
 * continues it (long connections are logged once per capture interval; records may come late).
 */
const SAME_CONNECTION_SECONDS = 900;
const MAX_CONNS = 16;

const TCP = 6;
const ACK = 0x10;

export const beacon: Detector<typeof beaconConfigSchema> = {
  id: 'beacon',
  types: ['Backdoor:Host/C&CActivity.Beacon'],
  description: 'Regular, periodic connections from our host to one outside address and port',
  configSchema: beaconConfigSchema,
  create(config) {
    const pairs = new Map<number, Pair>();
    // Distinct internal clients per outside destination, up to prevalentClients: column 0 the
    // count, then the clients' keys (numbers in a hash table: most destinations are called once).
    const newClients = (): NumTable => createNumTable(1 + config.prevalentClients, config.maxPairs);
    let clients = newClients();
    const clientCount = (dst: number): number => {
      const r = clients.find(dst);
      return r < 0 ? 0 : clients.get(r, 0);
    };
    const infra = new Set(
      config.infrastructurePorts.map((p) => {
        const [name, port] = p.split('/');
        return (name === 'tcp' ? 6 : 17) * 65536 + Number(port);
      }),
    );
    const allowed = config.allowDestinations.map((c) => parseCidr(c)).filter((c) => c !== null);
    let nextEval = -Infinity;
    let maxTime = -Infinity;
    let minTime = Infinity;

    function evaluate(t: number, ctx: DetectorContext): void {
      const horizonStart = (t === Infinity ? maxTime : t) - config.horizonSeconds;
      for (const [k, p] of pairs) {
        while (p.times.length > 0 && p.times[0]! < horizonStart) {
          p.times.shift();
          p.bytes.shift();
        }
        if (p.times.length === 0) {
          pairs.delete(k);
          continue;
        }
        // Only connections up to the watermark: all of them have arrived, whatever the order.
        let n = p.times.length;
        while (n > 0 && p.times[n - 1]! > t) n--;
        if (n < config.minConnections) continue;
        if (p.times[n - 1]! - p.times[0]! < config.minSpanSeconds) continue;
        if (clientCount(p.dst) >= config.prevalentClients) continue;
        if (p.replies < config.minAnsweredRatio * p.attempts) continue;
        const windowEnd = t === Infinity ? maxTime : t;
        const times = n === p.times.length ? p.times : p.times.slice(0, n);
        const bytes = n === p.bytes.length ? p.bytes : p.bytes.slice(0, n);
        const s = beaconScore(times, bytes, Math.max(horizonStart, minTime), windowEnd);
        if (s.bytes > config.maxMedianBytes || s.score < config.threshold) continue;
        if (s.intervalJitter > config.maxJitterRatio * s.intervalSeconds) continue;
        const dst = ctx.keyText(p.dst);
        if (allowed.some((c) => cidrContainsText(c, dst))) continue;
        report(ctx, p, s, dst, times);
      }
    }

    function report(
      ctx: DetectorContext,
      p: Pair,
      s: ReturnType<typeof beaconScore>,
      dst: string,
      times: readonly number[],
    ): void {
      const host = ctx.keyText(p.src);
      const proto = protoName(p.proto);
      const severity = Math.min(8.5, 7 + (1.5 * (s.score - config.threshold)) / (1 - config.threshold));
      const failedText =
        p.failed > 0 ? ` ${p.failed} failed connection(s) were left out (no ACK or rejected).` : '';
      const gaps: [number, number][] = [];
      for (let i = Math.max(1, times.length - 100); i < times.length; i++)
        gaps.push([times[i]!, times[i]! - times[i - 1]!]);
      ctx.emit({
        type: 'Backdoor:Host/C&CActivity.Beacon',
        severity,
        resource: { ip: host, id: p.resource },
        actor: { ip: dst, port: p.port },
        role: 'actor',
        discriminator: `${proto}/${p.port}`,
        title: `${host} calls ${dst}:${p.port} every ${durationWords(s.intervalSeconds)} like a beacon`,
        description:
          `${host} connected to ${dst} on ${proto}/${p.port} ${beaconWords(s)}. ` +
          `Score components: ${componentWords(s)} (0.25 × the four; beacon from ${config.threshold}).` +
          failedText,
        threshold: config.threshold,
        observed: Math.round(s.score * 1000) / 1000,
        windowStart: s.first,
        windowEnd: s.last + 1,
        sample: p.sample.map(sampleRecordText),
        query: flowsQuery({
          srcIp: host,
          dstIp: dst,
          dstPort: p.port,
          proto: p.proto,
          from: s.first,
          to: s.last + 1,
        }),
        firstSeen: s.first,
        lastSeen: s.last,
        detail: {
          explanation: `${beaconWords(s)}; ${componentWords(s)}`,
          score: round3(s.score),
          tsScore: round3(s.tsScore),
          dsScore: round3(s.dsScore),
          histScore: round3(s.histScore),
          durScore: round3(s.durScore),
          tsSkew: round3(s.tsSkew),
          dsSkew: round3(s.dsSkew),
          intervalSeconds: s.intervalSeconds,
          intervalJitterSeconds: Math.round(s.intervalJitter * 10) / 10,
          intervalMadSeconds: s.intervalMad,
          bytes: Math.round(s.bytes),
          bytesJitter: Math.round(s.bytesJitter),
          connections: s.connections,
          failedConnections: p.failed,
          observedFrom: s.first,
          observedTo: s.last,
          series: JSON.stringify({
            kind: 'intervals',
            unit: 'seconds',
            points: gaps,
            histogram: s.histogram,
          }),
        },
        detector: 'beacon',
      });
    }

    return {
      onFlows(view) {
        const b = view.batch;
        for (let i = 0; i < b.length; i++) {
          if (view.skip[i] || view.trusted[i]) continue;
          const sIn = view.srcInternal[i] === 1;
          const dIn = view.dstInternal[i] === 1;
          const proto = b.proto[i]!;
          if (view.reply[i]) {
            // A reply to one of our clients: the pair's requests were answered.
            if (!dIn || (sIn && !config.includeInternal)) continue;
            const p = pairs.get(hashKey(view.dstKey[i]!, view.srcKey[i]!, proto * 65536 + b.srcPort[i]!));
            if (p !== undefined) p.replies++;
            continue;
          }
          if (!sIn || (dIn && !config.includeInternal)) continue;
          const port = b.dstPort[i]!;
          if (port < 0 || infra.has(proto * 65536 + port)) continue;
          const t = b.start[i]!;
          if (t > maxTime) maxTime = t;
          if (t < minTime) minTime = t;
          const cr = clients.add(view.dstKey[i]!);
          if (cr >= 0) {
            const n = clients.get(cr, 0);
            let known = false;
            for (let c = 1; c <= n; c++) if (clients.get(cr, c) === view.srcKey[i]!) known = true;
            if (!known && n < config.prevalentClients) {
              clients.set(cr, n + 1, view.srcKey[i]!);
              clients.set(cr, 0, n + 1);
            }
          }
          const k = hashKey(view.srcKey[i]!, view.dstKey[i]!, proto * 65536 + port);
          let p = pairs.get(k);
          if (p === undefined) {
            if (pairs.size >= config.maxPairs) continue;
            p = {
              src: view.srcKey[i]!,
              dst: view.dstKey[i]!,
              port,
              proto,
              times: [],
              bytes: [],
              attempts: 0,
              failed: 0,
              replies: 0,
              resource: b.resource[i] ?? null,
              sample: [],
              conns: [],
            };
            pairs.set(k, p);
          }
          // One long connection logged minute by minute is one connection, not a beacon.
          const sport = b.srcPort[i]!;
          const c = p.conns;
          let e = -1;
          for (let k = 0; k < c.length; k += 3)
            if (c[k] === sport) {
              e = k;
              break;
            }
          if (
            e >= 0 &&
            t >= c[e + 1]! - SAME_CONNECTION_SECONDS &&
            t <= c[e + 2]! + SAME_CONNECTION_SECONDS
          ) {
            if (t < c[e + 1]!) c[e + 1] = t;
            if (t > c[e + 2]!) c[e + 2] = t;
            continue;
          }
          // The oldest connection is forgotten; a port seen again starts a new span (the order of
          // a Map's keys, as this was before: a forgotten port comes back last).
          if (c.length >= 3 * MAX_CONNS) {
            c.splice(0, 3);
            e = e <= 0 ? -1 : e - 3;
          }
          if (e >= 0) {
            c[e + 1] = t;
            c[e + 2] = t;
          } else c.push(sport, t, t);
          p.attempts++;
          const flags = b.tcpFlags[i]!;
          // Connection state: a TCP record with flags but no ACK, or a rejected one, never connected.
          if (b.action[i] === 2 || (proto === TCP && flags >= 0 && (flags & ACK) === 0)) {
            p.failed++;
            continue;
          }
          // Flags known and ACK seen: answered even when the reply side is not logged.
          if (proto === TCP && flags >= 0) p.replies++;
          const bytes = b.bytes[i]! > 0 ? b.bytes[i]! : 0;
          // Keep times sorted; records arrive nearly in order.
          let j = p.times.length;
          while (j > 0 && p.times[j - 1]! > t) j--;
          if (j > 0 && p.times[j - 1] === t) {
            p.bytes[j - 1] = Math.max(p.bytes[j - 1]!, bytes);
            continue;
          }
          p.times.splice(j, 0, t);
          p.bytes.splice(j, 0, bytes);
          if (p.times.length > config.maxEvents) {
            p.times.shift();
            p.bytes.shift();
          }
          if (p.sample.length < 20 && (p.attempts & 7) === 1) p.sample.push(captureSample(b, i));
        }
      },
      onWatermark(t, ctx) {
        if (t === Infinity) {
          evaluate(t, ctx);
          pairs.clear();
          clients = newClients();
          return;
        }
        // Scored at fixed boundaries of event time (every record before one has arrived when the
        // watermark passes it), so the result does not depend on how the watermark moved.
        const boundary = Math.floor(t / config.evaluateSeconds) * config.evaluateSeconds;
        if (nextEval === -Infinity) nextEval = boundary;
        if (boundary <= nextEval) return;
        nextEval = boundary;
        evaluate(boundary, ctx);
      },
      stateSize: () => pairs.size,
    };
  },
};

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
