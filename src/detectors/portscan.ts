// Recon:Host/Portscan: one source probing many ports of one host (vertical) or one port across
// many hosts (horizontal) in a window. Only failed-looking attempts count (Zeek's rule), never
// the reply side. An internet scanner hitting us is low; our host scanning is medium.

import { z } from 'zod';
import type { Detector, DetectorContext } from '../engine/detector.ts';
import { flowsQuery, pushSample } from '../engine/evidence.ts';
import { hashKey } from '../engine/keys.ts';
import { createTumblingWindows } from '../engine/windows.ts';
import { isFailedAttempt } from './common.ts';

export const portscanConfigSchema = z.object({
  windowSeconds: z.number().int().min(10).default(300),
  /** Distinct ports of one host with failed attempts (Zeek: 15). */
  verticalPorts: z.number().int().min(2).default(15),
  /** Distinct hosts on one port with failed attempts (Zeek: 25, Slips: 6). */
  horizontalHosts: z.number().int().min(2).default(10),
  /** Severity when our host scans (across the VPC or out). */
  severityInternalActor: z.number().min(1).max(10).default(5),
  /** Severity when an external source scans us. */
  severityExternalActor: z.number().min(1).max(10).default(2),
  /** Most distinct (source, host, port) triples per window; beyond it new ones are not counted. */
  maxTriples: z.number().int().min(1000).default(4_000_000),
});
export type PortscanConfig = z.infer<typeof portscanConfigSchema>;

interface Counter {
  src: number;
  other: number; // dst (vertical) or port (horizontal)
  n: number;
  first: number;
  last: number;
  minDst: number;
  srcInternal: boolean;
  resource: string | null;
  samples: string[] | null;
}

interface WindowState {
  triples: Set<number>;
  vertical: Map<number, Counter>;
  horizontal: Map<number, Counter>;
}

function bump(
  map: Map<number, Counter>,
  key: number,
  src: number,
  other: number,
  t: number,
  dst: number,
  srcInternal: boolean,
  resource: string | null,
): Counter {
  let c = map.get(key);
  if (c === undefined) {
    c = { src, other, n: 0, first: t, last: t, minDst: dst, srcInternal, resource, samples: null };
    map.set(key, c);
  }
  c.n++;
  if (t < c.first) c.first = t;
  if (t > c.last) c.last = t;
  if (dst < c.minDst) c.minDst = dst;
  return c;
}

export const portscan: Detector<typeof portscanConfigSchema> = {
  id: 'portscan',
  types: ['Recon:Host/Portscan'],
  description: 'Vertical and horizontal port scans from failed-looking attempts',
  configSchema: portscanConfigSchema,
  create(config) {
    const windows = createTumblingWindows<WindowState>(config.windowSeconds, () => ({
      triples: new Set(),
      vertical: new Map(),
      horizontal: new Map(),
    }));
    const sampleFrom = (threshold: number): number => Math.max(2, Math.ceil(threshold / 3));

    function emit(
      ctx: DetectorContext,
      c: Counter,
      kind: 'vertical' | 'horizontal',
      start: number,
      end: number,
      ports: number[] = [],
    ): void {
      const scanner = ctx.keyText(c.src);
      const internal = c.srcInternal;
      const target = kind === 'vertical' ? ctx.keyText(c.other) : ctx.keyText(c.minDst);
      const threshold = kind === 'vertical' ? config.verticalPorts : config.horizontalHosts;
      const what =
        kind === 'vertical'
          ? `${c.n} ports of ${target}`
          : ports.length > 1
            ? `ports ${ports.join(',')} across up to ${c.n} hosts`
            : `port ${c.other} across ${c.n} hosts`;
      ctx.emit({
        type: 'Recon:Host/Portscan',
        severity: internal ? config.severityInternalActor : config.severityExternalActor,
        resource: internal ? { ip: scanner, id: c.resource } : { ip: target, id: c.resource },
        actor: { ip: scanner, port: null },
        role: internal ? 'actor' : 'target',
        discriminator: kind,
        title: `${scanner} is scanning ${what}`,
        description: `${scanner} made failed or probe-sized attempts to ${what} within ${config.windowSeconds / 60} min (threshold ${threshold}).`,
        threshold,
        observed: c.n,
        windowStart: start,
        windowEnd: end,
        sample: c.samples ?? [],
        query:
          kind === 'vertical'
            ? flowsQuery({ srcIp: scanner, dstIp: target, from: start, to: end })
            : flowsQuery({ srcIp: scanner, dstPort: c.other, from: start, to: end }),
        firstSeen: c.first,
        lastSeen: c.last,
        detail: {
          scan: kind,
          ...(kind === 'horizontal' ? { port: c.other, ports: ports.map(String) } : { target }),
        },
        detector: 'portscan',
      });
    }

    return {
      onFlows(view) {
        const b = view.batch;
        for (let i = 0; i < b.length; i++) {
          if (view.skip[i] || view.reply[i] || b.dstPort[i]! < 0) continue;
          if (!isFailedAttempt(b, i)) continue;
          const srcInt = view.srcInternal[i] === 1;
          const dstInt = view.dstInternal[i] === 1;
          if (!srcInt && !dstInt) continue;
          const w = windows.at(b.start[i]!);
          if (w === null) continue;
          const src = view.srcKey[i]!;
          const dst = view.dstKey[i]!;
          const port = b.dstPort[i]!;
          const triple = hashKey(src, dst, port);
          if (w.triples.has(triple) || w.triples.size >= config.maxTriples) continue;
          w.triples.add(triple);
          const t = b.start[i]!;
          const res = b.resource[i] ?? null;
          const v = bump(w.vertical, hashKey(src, dst), src, dst, t, dst, srcInt, res);
          if (v.n >= sampleFrom(config.verticalPorts)) pushSample((v.samples ??= []), b, i);
          // Our host sweeping one port of the internet is PortSweep's, not a horizontal scan.
          if (srcInt && !dstInt) continue;
          const h = bump(w.horizontal, hashKey(src, port, 1), src, port, t, dst, srcInt, res);
          if (h.n >= sampleFrom(config.horizontalHosts)) pushSample((h.samples ??= []), b, i);
        }
      },
      onWatermark(t, ctx) {
        windows.closeUpTo(t, (start, end, w) => {
          for (const c of w.vertical.values())
            if (c.n >= config.verticalPorts) emit(ctx, c, 'vertical', start, end);
          // One horizontal finding per scanner: the port that reached most hosts, the others listed.
          const bySrc = new Map<number, Counter[]>();
          for (const c of w.horizontal.values()) {
            if (c.n < config.horizontalHosts) continue;
            const list = bySrc.get(c.src);
            if (list) list.push(c);
            else bySrc.set(c.src, [c]);
          }
          for (const list of bySrc.values()) {
            list.sort((a, b) => b.n - a.n || a.other - b.other);
            emit(
              ctx,
              list[0]!,
              'horizontal',
              start,
              end,
              list.map((c) => c.other).sort((a, b) => a - b),
            );
          }
        });
      },
      stateSize() {
        let n = 0;
        for (const [, w] of windows.open()) n += w.triples.size + w.vertical.size + w.horizontal.size;
        return n;
      },
    };
  },
};
