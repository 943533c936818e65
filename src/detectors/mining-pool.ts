// CryptoCurrency:Host/MiningPoolConnection: our host keeps a stratum-like connection to a mining
// pool: an address on a mining-pool intel list, or a stratum port with a long-lived,
// small-message shape (a pool pushes a job every few tens of seconds for as long as it mines).

import { z } from 'zod';
import type { Detector } from '../engine/detector.ts';
import { flowsQuery, pushSample } from '../engine/evidence.ts';
import { hashKey } from '../engine/keys.ts';

export const miningPoolConfigSchema = z.object({
  stratumPorts: z
    .array(z.number().int().min(1).max(65535))
    .default([3333, 3334, 4444, 5555, 7777, 8888, 9999, 14433, 14444, 45560, 45700]),
  /** Time from the first to the last record of the pair before a stratum-port shape counts. */
  minDurationSeconds: z.number().min(60).default(600),
  /** Stratum messages are small JSON lines. */
  maxAvgBytesPerPacket: z.number().min(1).default(400),
  /** Gap after which the pair's state is dropped. */
  idleSeconds: z.number().min(60).default(1800),
  severity: z.number().min(1).max(10).default(8),
  maxPairs: z.number().int().min(1000).default(500_000),
});

interface Pair {
  src: number;
  dst: number;
  port: number;
  first: number;
  last: number;
  packets: number;
  bytes: number;
  records: number;
  intelList: string | null;
  emitted: boolean;
  resource: string | null;
  samples: string[];
}

export const miningPool: Detector<typeof miningPoolConfigSchema> = {
  id: 'mining-pool',
  types: ['CryptoCurrency:Host/MiningPoolConnection'],
  description: 'Our host connected to a cryptocurrency mining pool',
  configSchema: miningPoolConfigSchema,
  create(config) {
    const ports = new Set(config.stratumPorts);
    const pairs = new Map<number, Pair>();
    let lastSweep = -Infinity;
    return {
      onFlows(view) {
        const b = view.batch;
        for (let i = 0; i < b.length; i++) {
          if (view.skip[i]) continue;
          const rev = view.reply[i] === 1;
          // Orient from our host to the pool.
          const oursIsSrc = rev
            ? view.dstInternal[i] === 1 && view.srcInternal[i] === 0
            : view.srcInternal[i] === 1 && view.dstInternal[i] === 0;
          if (!oursIsSrc) continue;
          const port = rev ? b.srcPort[i]! : b.dstPort[i]!;
          const m = view.intel[i] ?? null;
          const list = m !== null && m.kind === 'mining-pool' ? m.list : null;
          if (list === null && !ports.has(port)) continue;
          const src = rev ? view.dstKey[i]! : view.srcKey[i]!;
          const dst = rev ? view.srcKey[i]! : view.dstKey[i]!;
          const k = hashKey(src, dst, port);
          let p = pairs.get(k);
          if (p === undefined) {
            if (pairs.size >= config.maxPairs) continue;
            p = {
              src,
              dst,
              port,
              first: b.start[i]!,
              last: b.start[i]!,
              packets: 0,
              bytes: 0,
              records: 0,
              intelList: list,
              emitted: false,
              resource: b.resource[i] ?? null,
              samples: [],
            };
            pairs.set(k, p);
          }
          const t = b.start[i]!;
          const e = Number.isNaN(b.end[i]!) ? t : b.end[i]!;
          p.first = Math.min(p.first, t);
          p.last = Math.max(p.last, e);
          p.packets += Number.isNaN(b.packets[i]!) ? 0 : b.packets[i]!;
          p.bytes += Number.isNaN(b.bytes[i]!) ? 0 : b.bytes[i]!;
          p.records++;
          if (list !== null) p.intelList ??= list;
          pushSample(p.samples, b, i);
        }
      },
      onWatermark(t, ctx) {
        if (t !== Infinity && t < lastSweep + 60) return;
        lastSweep = t;
        for (const [k, p] of pairs) {
          if (!p.emitted && p.last <= t) {
            const duration = p.last - p.first;
            const shaped =
              duration >= config.minDurationSeconds &&
              p.packets > 0 &&
              p.bytes / p.packets <= config.maxAvgBytesPerPacket;
            if (p.intelList !== null || shaped) {
              p.emitted = true;
              const host = ctx.keyText(p.src);
              const pool = ctx.keyText(p.dst);
              const why =
                p.intelList !== null
                  ? `${pool} is on the mining-pool list "${p.intelList}"`
                  : `a stratum port held open for ${Math.round(duration / 60)} min with ${Math.round(p.bytes / Math.max(1, p.packets))} B packets`;
              ctx.emit({
                type: 'CryptoCurrency:Host/MiningPoolConnection',
                severity: config.severity,
                resource: { ip: host, id: p.resource },
                actor: { ip: pool, port: p.port },
                role: 'actor',
                discriminator: `port:${p.port}`,
                title: `${host} is talking to a cryptocurrency mining pool at ${pool}:${p.port}`,
                description: `${host} kept a connection to ${pool}:${p.port}: ${why}.`,
                threshold: config.minDurationSeconds,
                observed: Math.round(duration),
                windowStart: Math.floor(p.first / 3600) * 3600,
                windowEnd: Math.floor(p.first / 3600) * 3600 + 3600,
                sample: p.samples,
                query: flowsQuery({ srcIp: host, dstIp: pool, from: p.first, to: p.last + 1 }),
                firstSeen: p.first,
                lastSeen: p.last,
                ...(p.intelList !== null ? { intelList: p.intelList } : {}),
                detail: { port: p.port, records: p.records, bytes: p.bytes },
                detector: 'mining-pool',
              });
            }
          }
          if (p.last < t - config.idleSeconds || t === Infinity) pairs.delete(k);
        }
      },
      stateSize: () => pairs.size,
    };
  },
};
