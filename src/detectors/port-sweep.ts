// Impact:Host/PortSweep: our host hits one port across many public addresses, most of which do
// not answer. Working clients (resolvers, proxies, crawlers) reach many addresses too, but
// their attempts succeed, so a minimum share of failed attempts is required.

import { z } from 'zod';
import type { Detector } from '../engine/detector.ts';
import { flowsQuery, pushSample } from '../engine/evidence.ts';
import { hashKey } from '../engine/keys.ts';
import { createTumblingWindows } from '../engine/windows.ts';
import { isFailedAttempt } from './common.ts';

export const portSweepConfigSchema = z.object({
  windowSeconds: z.number().int().min(10).default(300),
  /** Distinct public destinations on one port. */
  minHosts: z.number().int().min(2).default(50),
  /** Share of those destinations whose attempts all looked failed. */
  minFailedShare: z.number().min(0).max(1).default(0.5),
  severity: z.number().min(1).max(10).default(7),
  maxPairs: z.number().int().min(1000).default(2_000_000),
});

interface Sweep {
  src: number;
  port: number;
  hosts: number;
  failedHosts: number;
  first: number;
  last: number;
  resource: string | null;
  samples: string[] | null;
}

interface WindowState {
  /** (src, dst, port) -> 1 failed so far, 2 at least one success. */
  pairs: Map<number, number>;
  sweeps: Map<number, Sweep>;
}

export const portSweep: Detector<typeof portSweepConfigSchema> = {
  id: 'port-sweep',
  types: ['Impact:Host/PortSweep'],
  description: 'Our host probing one port across many public addresses',
  configSchema: portSweepConfigSchema,
  create(config) {
    const windows = createTumblingWindows<WindowState>(config.windowSeconds, () => ({
      pairs: new Map(),
      sweeps: new Map(),
    }));
    return {
      onFlows(view) {
        const b = view.batch;
        for (let i = 0; i < b.length; i++) {
          if (view.skip[i] || view.reply[i] || !view.srcInternal[i] || view.dstInternal[i]) continue;
          const port = b.dstPort[i]!;
          if (port < 0) continue;
          const w = windows.at(b.start[i]!);
          if (w === null) continue;
          const src = view.srcKey[i]!;
          const pk = hashKey(src, view.dstKey[i]!, port);
          const failed = isFailedAttempt(b, i);
          const prev = w.pairs.get(pk);
          const sk = hashKey(src, port);
          let s = w.sweeps.get(sk);
          if (s === undefined) {
            if (w.pairs.size >= config.maxPairs) continue;
            s = {
              src,
              port,
              hosts: 0,
              failedHosts: 0,
              first: b.start[i]!,
              last: b.start[i]!,
              resource: b.resource[i] ?? null,
              samples: null,
            };
            w.sweeps.set(sk, s);
          }
          if (prev === undefined) {
            if (w.pairs.size >= config.maxPairs) continue;
            w.pairs.set(pk, failed ? 1 : 2);
            s.hosts++;
            if (failed) s.failedHosts++;
          } else if (prev === 1 && !failed) {
            w.pairs.set(pk, 2);
            s.failedHosts--;
          }
          s.first = Math.min(s.first, b.start[i]!);
          s.last = Math.max(s.last, b.start[i]!);
          if (s.hosts >= config.minHosts / 3) pushSample((s.samples ??= []), b, i);
        }
      },
      onWatermark(t, ctx) {
        windows.closeUpTo(t, (start, end, w) => {
          for (const s of w.sweeps.values()) {
            if (s.hosts < config.minHosts || s.failedHosts < s.hosts * config.minFailedShare) continue;
            const host = ctx.keyText(s.src);
            ctx.emit({
              type: 'Impact:Host/PortSweep',
              severity: config.severity,
              resource: { ip: host, id: s.resource },
              actor: { ip: host, port: null },
              role: 'actor',
              discriminator: `port:${s.port}`,
              title: `${host} is sweeping port ${s.port} across ${s.hosts} internet hosts`,
              description: `${host} contacted ${s.hosts} public addresses on port ${s.port} within ${config.windowSeconds / 60} min; ${s.failedHosts} of them never answered (threshold ${config.minHosts} hosts).`,
              threshold: config.minHosts,
              observed: s.hosts,
              windowStart: start,
              windowEnd: end,
              sample: s.samples ?? [],
              query: flowsQuery({ srcIp: host, dstPort: s.port, from: start, to: end }),
              firstSeen: s.first,
              lastSeen: s.last,
              detail: { port: s.port, failedHosts: s.failedHosts },
              detector: 'port-sweep',
            });
          }
        });
      },
      stateSize() {
        let n = 0;
        for (const [, w] of windows.open()) n += w.pairs.size + w.sweeps.size;
        return n;
      },
    };
  },
};
