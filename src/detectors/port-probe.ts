// Recon:Host/PortProbeUnprotectedPort: internet sources reached (ACCEPT) a sensitive port of our
// host. One finding per (host, port), naming the busiest prober of the latest window and listing
// the others in the detail; databases and search are high.

import { z } from 'zod';
import { ACTION_ACCEPT } from '../core/flow.ts';
import type { Detector } from '../engine/detector.ts';
import { flowsQuery, pushSample } from '../engine/evidence.ts';
import { hashKey } from '../engine/keys.ts';
import { createTumblingWindows } from '../engine/windows.ts';

export const portProbeConfigSchema = z.object({
  windowSeconds: z.number().int().min(60).default(3600),
  /** Sensitive ports (low severity when reached). */
  ports: z
    .array(z.number().int().min(1).max(65535))
    .default([21, 22, 23, 135, 139, 445, 2375, 3389, 5900, 5985, 5986]),
  /** Database and search ports (high severity when reached). */
  highPorts: z
    .array(z.number().int().min(1).max(65535))
    .default([1433, 3306, 5432, 6379, 9200, 9300, 11211, 27017]),
  /** Distinct internet sources needed in a window. */
  minSources: z.number().int().min(1).default(1),
  severity: z.number().min(1).max(10).default(2),
  severityHigh: z.number().min(1).max(10).default(7),
  maxKeys: z.number().int().min(100).default(1_000_000),
});

interface Probe {
  dst: number;
  port: number;
  sources: Map<number, number>;
  first: number;
  last: number;
  resource: string | null;
  samples: string[];
}

export const portProbe: Detector<typeof portProbeConfigSchema> = {
  id: 'port-probe',
  types: ['Recon:Host/PortProbeUnprotectedPort'],
  description: 'Internet sources reaching a sensitive port that the network lets through',
  configSchema: portProbeConfigSchema,
  create(config) {
    const low = new Set(config.ports);
    const high = new Set(config.highPorts);
    const windows = createTumblingWindows(config.windowSeconds, () => new Map<number, Probe>());
    return {
      onFlows(view) {
        const b = view.batch;
        for (let i = 0; i < b.length; i++) {
          if (view.skip[i] || view.reply[i] || b.action[i] !== ACTION_ACCEPT) continue;
          if (view.srcInternal[i] || !view.dstInternal[i]) continue;
          const port = b.dstPort[i]!;
          if (!low.has(port) && !high.has(port)) continue;
          const w = windows.at(b.start[i]!);
          if (w === null) continue;
          const dst = view.dstKey[i]!;
          const key = hashKey(dst, port);
          let p = w.get(key);
          if (p === undefined) {
            if (w.size >= config.maxKeys) continue;
            p = {
              dst,
              port,
              sources: new Map(),
              first: b.start[i]!,
              last: b.start[i]!,
              resource: b.resource[i] ?? null,
              samples: [],
            };
            w.set(key, p);
          }
          const src = view.srcKey[i]!;
          p.sources.set(src, (p.sources.get(src) ?? 0) + 1);
          p.first = Math.min(p.first, b.start[i]!);
          p.last = Math.max(p.last, b.start[i]!);
          pushSample(p.samples, b, i);
        }
      },
      onWatermark(t, ctx) {
        windows.closeUpTo(t, (start, end, w) => {
          for (const p of w.values()) {
            if (p.sources.size < config.minSources) continue;
            let top = -1;
            let topN = 0;
            for (const [s, n] of p.sources) if (n > topN || (n === topN && s < top)) [top, topN] = [s, n];
            const host = ctx.keyText(p.dst);
            const actor = ctx.keyText(top);
            const probers = [...p.sources.keys()]
              .sort((a, b) => a - b)
              .slice(0, 20)
              .map((k) => ctx.keyText(k));
            const isHigh = high.has(p.port);
            ctx.emit({
              type: 'Recon:Host/PortProbeUnprotectedPort',
              severity: isHigh ? config.severityHigh : config.severity,
              resource: { ip: host, id: p.resource },
              actor: { ip: actor, port: null },
              role: 'target',
              discriminator: `port:${p.port}`,
              actorInIdentity: false,
              title: `Unprotected port ${p.port} on ${host} is being probed from the internet`,
              description: `${p.sources.size} internet source(s) reached port ${p.port} of ${host} and were accepted${isHigh ? '; the port serves a database or search engine' : ''}.`,
              threshold: config.minSources,
              observed: p.sources.size,
              windowStart: start,
              windowEnd: end,
              sample: p.samples,
              query: flowsQuery({ dstIp: host, dstPort: p.port, from: start, to: end }),
              firstSeen: p.first,
              lastSeen: p.last,
              detail: { port: p.port, probers },
              detector: 'port-probe',
            });
          }
        });
      },
      stateSize() {
        let n = 0;
        for (const [, w] of windows.open()) for (const p of w.values()) n += 1 + p.sources.size;
        return n;
      },
    };
  },
};
