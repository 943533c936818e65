// Behavior:Host/LongConnection: one connection (5-tuple) kept open for hours with an outside
// address, seen as consecutive flow records (RITA tiers 1/4/8/12 h). A silence that a
// NODATA/SKIPDATA gap explains does not end the connection. Every connection starts in a
// compact typed-array table; only those lasting past `promoteSeconds` get a full entry.

import { z } from 'zod';
import type { Detector, DetectorContext } from '../engine/detector.ts';
import { flowsQuery, sampleText } from '../engine/evidence.ts';
import { hashKey } from '../engine/keys.ts';
import { createNumTable, type NumTable } from '../engine/num-table.ts';
import { addPoint, seriesText } from '../behavior/explain.ts';
import { durationWords } from '../behavior/beacon-score.ts';

export const longConnectionConfigSchema = z.object({
  /** Duration tiers in seconds and the severity of each (low -> medium). */
  tiers: z.array(z.object({ seconds: z.number().min(60), severity: z.number().min(1).max(10) })).default([
    { seconds: 3600, severity: 2 },
    { seconds: 4 * 3600, severity: 3 },
    { seconds: 8 * 3600, severity: 4 },
    { seconds: 12 * 3600, severity: 5 },
  ]),
  /** Silence after which a connection is over (longer than the longest aggregation interval). */
  idleSeconds: z.number().min(60).default(900),
  /** Age at which a connection moves from the compact table to a full entry. */
  promoteSeconds: z.number().min(0).default(300),
  /** Also follow connections between two internal hosts. */
  includeInternal: z.boolean().default(false),
  /** Most connections followed at once, young and promoted. */
  maxConnections: z.number().int().min(1000).default(4_000_000),
});

interface Conn {
  src: number;
  dst: number;
  sport: number;
  dport: number;
  proto: number;
  first: number;
  last: number;
  bytes: number;
  records: number;
  tier: number;
  srcInternal: boolean;
  resource: string | null;
  sample: string[];
  /** Initiator bytes per 10 minutes, for the chart. */
  points: [number, number][];
}

const FIRST = 0;
const LAST = 1;
/** 1 once the connection has a full entry in `conns`. */
const PROMOTED = 2;

export const longConnection: Detector<typeof longConnectionConfigSchema> = {
  id: 'long-connection',
  types: ['Behavior:Host/LongConnection'],
  description: 'A connection with an outside address kept open for hours',
  configSchema: longConnectionConfigSchema,
  create(config) {
    const tiers = [...config.tiers].sort((a, b) => a.seconds - b.seconds);
    let young: NumTable = createNumTable(3, config.maxConnections, 4096);
    const conns = new Map<number, Conn>();
    let lastSweep = -Infinity;
    let lastCompact = -Infinity;

    function report(ctx: DetectorContext, c: Conn, tierIndex: number): void {
      const tier = tiers[tierIndex]!;
      const a = ctx.keyText(c.src);
      const b = ctx.keyText(c.dst);
      const ours = c.srcInternal;
      const hours = Math.round(((c.last - c.first) / 3600) * 10) / 10;
      ctx.emit({
        type: 'Behavior:Host/LongConnection',
        severity: tier.severity,
        resource: { ip: ours ? a : b, id: c.resource },
        actor: ours ? { ip: b, port: c.dport } : { ip: a, port: null },
        role: ours ? 'actor' : 'target',
        discriminator: `${c.proto}:${c.sport}:${c.dport}:${c.first}`,
        title: `Connection ${a}:${c.sport} -> ${b}:${c.dport} open for ${hours} h`,
        description: `The same connection was seen in flow records over ${hours} h (tier ${tier.seconds / 3600} h); ${Math.round(c.bytes)} bytes from the initiator since it was ${config.promoteSeconds / 60} min old.`,
        threshold: tier.seconds,
        observed: Math.round(c.last - c.first),
        windowStart: c.first,
        windowEnd: c.last,
        sample: c.sample,
        query: flowsQuery({
          srcIp: a,
          dstIp: b,
          dstPort: c.dport,
          proto: c.proto,
          from: c.first,
          to: c.last + 1,
        }),
        firstSeen: c.first,
        lastSeen: c.last,
        detail: {
          srcPort: c.sport,
          dstPort: c.dport,
          proto: c.proto,
          records: c.records,
          explanation: `one connection open for ${durationWords(c.last - c.first)}: past the ${durationWords(tier.seconds)} tier (tiers ${tiers.map((x) => durationWords(x.seconds)).join(' / ')})`,
          durationSeconds: Math.round(c.last - c.first),
          tierSeconds: tier.seconds,
          tiers: tiers.map((x) => String(x.seconds)),
          series: seriesText({ kind: 'bytes-in-connection', unit: 'bytes per 10 min', points: c.points }),
        },
        detector: 'long-connection',
      });
    }

    /** Drops young connections idle for longer than idleSeconds by copying the live ones. */
    function compact(t: number): void {
      const next = createNumTable(3, config.maxConnections, Math.max(4096, young.size));
      for (let r = 0; r < young.size; r++) {
        if (young.get(r, LAST) < t - config.idleSeconds) continue;
        const n = next.add(young.key(r));
        next.set(n, FIRST, young.get(r, FIRST));
        next.set(n, LAST, young.get(r, LAST));
        next.set(n, PROMOTED, young.get(r, PROMOTED));
      }
      young = next;
    }

    return {
      onFlows(view, ctx) {
        const b = view.batch;
        for (let i = 0; i < b.length; i++) {
          if (view.skip[i] || b.srcPort[i]! < 0 || b.dstPort[i]! < 0) continue;
          if (!config.includeInternal && view.srcInternal[i] === view.dstInternal[i]) continue;
          if (!view.srcInternal[i] && !view.dstInternal[i]) continue;
          const rev = view.reply[i] === 1;
          const src = rev ? view.dstKey[i]! : view.srcKey[i]!;
          const dst = rev ? view.srcKey[i]! : view.dstKey[i]!;
          const sport = rev ? b.dstPort[i]! : b.srcPort[i]!;
          const dport = rev ? b.srcPort[i]! : b.dstPort[i]!;
          const k = hashKey(hashKey(src, dst, b.proto[i]!), sport, dport);
          const t = b.start[i]!;
          const e = Number.isNaN(b.end[i]!) ? t : b.end[i]!;
          const r = young.add(k);
          if (r < 0) continue;
          // Only promoted connections touch the Map (a Map lookup by a double key allocates).
          let c = young.get(r, PROMOTED) === 1 ? conns.get(k) : undefined;
          if (c === undefined) {
            let first = young.get(r, FIRST);
            let last = young.get(r, LAST);
            // A new row, or the 5-tuple reused after a silence no coverage gap explains.
            if (
              (first === 0 && last === 0) ||
              (t > last + config.idleSeconds && !ctx.gapCovers(b.resource[i] ?? null, last, t))
            ) {
              first = t;
              last = e;
            }
            if (t < first) first = t;
            if (e > last) last = e;
            young.set(r, FIRST, first);
            young.set(r, LAST, last);
            if (last - first < config.promoteSeconds || conns.size >= config.maxConnections) continue;
            c = {
              src,
              dst,
              sport,
              dport,
              proto: b.proto[i]!,
              first,
              last,
              bytes: 0,
              records: 0,
              tier: -1,
              srcInternal: (rev ? view.dstInternal[i] : view.srcInternal[i]) === 1,
              resource: b.resource[i] ?? null,
              sample: [],
              points: [],
            };
            conns.set(k, c);
            young.set(r, PROMOTED, 1);
          } else if (t > c.last + config.idleSeconds && !ctx.gapCovers(c.resource, c.last, t)) {
            c.first = t;
            c.last = e;
            c.bytes = 0;
            c.records = 0;
            c.tier = -1;
            c.sample = [];
            c.points = [];
          }
          if (t < c.first) c.first = t;
          if (e > c.last) c.last = e;
          // Keeps the compact row alive (compaction drops rows idle for idleSeconds).
          young.set(r, LAST, c.last);
          c.records++;
          if (!rev) {
            c.bytes += Number.isNaN(b.bytes[i]!) ? 0 : b.bytes[i]!;
            addPoint(c.points, t, 600, Number.isNaN(b.bytes[i]!) ? 0 : b.bytes[i]!, 100);
          }
          // A few records spread over the connection's life, not its first twenty.
          if (c.sample.length < 20 && (c.records & 15) === 1) c.sample.push(sampleText(b, i));
        }
      },
      onWatermark(t, ctx) {
        if (t !== Infinity && t - lastCompact >= config.idleSeconds) {
          lastCompact = t;
          compact(t);
        }
        // Sweeping the full entries is O(n): at most once per minute of event time.
        if (t !== Infinity && t < lastSweep + 60) return;
        lastSweep = t;
        for (const [k, c] of conns) {
          let reached = -1;
          for (let j = 0; j < tiers.length; j++) if (c.last - c.first >= tiers[j]!.seconds) reached = j;
          const over = c.last < t - config.idleSeconds && !ctx.gapCovers(c.resource, c.last, t);
          if (reached > c.tier && c.last <= t) {
            c.tier = reached;
            report(ctx, c, reached);
          }
          if (over || t === Infinity) conns.delete(k);
        }
      },
      stateSize: () => conns.size + young.size,
    };
  },
};
