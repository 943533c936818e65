// Behavior:Host/LongConnection: one connection (5-tuple) kept open for hours with an outside
// address, seen as consecutive flow records (RITA tiers 1/4/8/12 h). A silence that a
// NODATA/SKIPDATA gap explains does not end the connection.

import { z } from 'zod';
import type { Detector, DetectorContext } from '../engine/detector.ts';
import { flowsQuery } from '../engine/evidence.ts';
import { hashKey } from '../engine/keys.ts';

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
  /** Also follow connections between two internal hosts. */
  includeInternal: z.boolean().default(false),
  maxConnections: z.number().int().min(1000).default(1_000_000),
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
}

export const longConnection: Detector<typeof longConnectionConfigSchema> = {
  id: 'long-connection',
  types: ['Behavior:Host/LongConnection'],
  description: 'A connection with an outside address kept open for hours',
  configSchema: longConnectionConfigSchema,
  create(config) {
    const tiers = [...config.tiers].sort((a, b) => a.seconds - b.seconds);
    const minTier = tiers[0]?.seconds ?? Infinity;
    const conns = new Map<number, Conn>();
    let lastSweep = -Infinity;

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
        description: `The same connection was seen in ${c.records} consecutive flow records over ${hours} h (tier ${tier.seconds / 3600} h), ${Math.round(c.bytes)} bytes from the initiator.`,
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
        detail: { srcPort: c.sport, dstPort: c.dport, proto: c.proto, records: c.records },
        detector: 'long-connection',
      });
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
          let c = conns.get(k);
          if (c === undefined) {
            if (conns.size >= config.maxConnections) continue;
            c = {
              src,
              dst,
              sport,
              dport,
              proto: b.proto[i]!,
              first: t,
              last: e,
              bytes: 0,
              records: 0,
              tier: -1,
              srcInternal: (rev ? view.dstInternal[i] : view.srcInternal[i]) === 1,
              resource: b.resource[i] ?? null,
              sample: [],
            };
            conns.set(k, c);
          }
          if (t > c.last + config.idleSeconds && !ctx.gapCovers(c.resource, c.last, t)) {
            // Silence longer than any aggregation interval: the 5-tuple was reused by a new connection.
            c.first = t;
            c.bytes = 0;
            c.records = 0;
            c.tier = -1;
            c.sample = [];
          }
          if (t < c.first) c.first = t;
          if (e > c.last) c.last = e;
          c.records++;
          if (!rev) c.bytes += Number.isNaN(b.bytes[i]!) ? 0 : b.bytes[i]!;
          if (c.last - c.first >= minTier / 2 && c.sample.length < 20)
            c.sample.push(
              `${new Date(t * 1000).toISOString()} ${b.resource[i] ?? '-'} ${b.packets[i]}p ${b.bytes[i]}B`,
            );
        }
      },
      onWatermark(t, ctx) {
        // Sweeping every connection is O(n): do it at most once per minute of event time.
        if (t !== Infinity && t < lastSweep + 60) return;
        lastSweep = t;
        for (const [k, c] of conns) {
          let reached = -1;
          for (let j = 0; j < tiers.length; j++) if (c.last - c.first >= tiers[j]!.seconds) reached = j;
          const over = c.last < t - config.idleSeconds && !ctx.gapCovers(c.resource, c.last, t);
          if (reached > c.tier && (over || t === Infinity || reached === tiers.length - 1 || c.last <= t)) {
            c.tier = reached;
            report(ctx, c, reached);
          }
          if (over || t === Infinity) conns.delete(k);
        }
      },
      stateSize: () => conns.size,
    };
  },
};
