// Recon:Host/Portscan: one source probing many ports of one host (vertical) or one port across
// many hosts (horizontal) in a window. Only failed-looking attempts count (Zeek's rule), never
// the reply side. An internet scanner hitting us is low; our host scanning is medium.

import { z } from 'zod';
import type { FlowBatch } from '../core/flow.ts';
import type { Detector, DetectorContext } from '../engine/detector.ts';
import { flowsQuery, pushSample } from '../engine/evidence.ts';
import { hashKey } from '../engine/keys.ts';
import { createNumTable, type NumTable } from '../engine/num-table.ts';
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

// Columns of the per-pair (vertical) and per-port (horizontal) counter tables.
const SRC = 0;
const OTHER = 1; // dst (vertical) or port (horizontal)
const N = 2;
const FIRST = 3;
const LAST = 4;
const MIN_DST = 5;
const SRC_INTERNAL = 6;
const COLUMNS = 7;

interface Counter {
  src: number;
  other: number;
  n: number;
  first: number;
  last: number;
  minDst: number;
  srcInternal: boolean;
  resource: string | null;
  samples: string[];
}

/** Resource and samples, kept only for keys that came close to a threshold. */
interface Extra {
  resource: string | null;
  samples: string[];
}

// Columns of the per-source table that holds a source's first attempt in the window.
const S_COUNT = 0;
const S_DST = 1;
const S_PORT = 2;
const S_TIME = 3;
const S_DST_INTERNAL = 4;

interface WindowState {
  triples: NumTable;
  /** Most sources make one attempt (internet background): they cost one row here and no more. */
  singles: NumTable;
  vertical: NumTable;
  horizontal: NumTable;
  verticalExtra: Map<number, Extra>;
  horizontalExtra: Map<number, Extra>;
}

function bump(
  t: NumTable,
  key: number,
  src: number,
  other: number,
  time: number,
  dst: number,
  srcInt: boolean,
): number {
  const r = t.add(key);
  if (r < 0) return r;
  if (t.inc(r, N) === 1) {
    t.set(r, SRC, src);
    t.set(r, OTHER, other);
    t.set(r, FIRST, time);
    t.set(r, LAST, time);
    t.set(r, MIN_DST, dst);
    t.set(r, SRC_INTERNAL, srcInt ? 1 : 0);
    return r;
  }
  if (time < t.get(r, FIRST)) t.set(r, FIRST, time);
  if (time > t.get(r, LAST)) t.set(r, LAST, time);
  if (dst < t.get(r, MIN_DST)) t.set(r, MIN_DST, dst);
  return r;
}

function counterAt(t: NumTable, r: number, extra: Extra | undefined): Counter {
  return {
    src: t.get(r, SRC),
    other: t.get(r, OTHER),
    n: t.get(r, N),
    first: t.get(r, FIRST),
    last: t.get(r, LAST),
    minDst: t.get(r, MIN_DST),
    srcInternal: t.get(r, SRC_INTERNAL) === 1,
    resource: extra?.resource ?? null,
    samples: extra?.samples ?? [],
  };
}

function sampleInto(extras: Map<number, Extra>, row: number, b: FlowBatch, i: number): void {
  let e = extras.get(row);
  if (e === undefined) {
    e = { resource: b.resource[i] ?? null, samples: [] };
    extras.set(row, e);
  }
  pushSample(e.samples, b, i);
}

export const portscan: Detector<typeof portscanConfigSchema> = {
  id: 'portscan',
  types: ['Recon:Host/Portscan'],
  description: 'Vertical and horizontal port scans from failed-looking attempts',
  configSchema: portscanConfigSchema,
  create(config, deps) {
    const early = deps.early === true;
    const windows = createTumblingWindows<WindowState>(config.windowSeconds, () => ({
      triples: createNumTable(0, config.maxTriples),
      singles: createNumTable(5, config.maxTriples),
      vertical: createNumTable(COLUMNS, config.maxTriples),
      horizontal: createNumTable(COLUMNS, config.maxTriples),
      verticalExtra: new Map(),
      horizontalExtra: new Map(),
    }));
    const sampleFrom = (threshold: number): number => Math.max(2, Math.ceil(threshold / 3));

    /** Counts one distinct attempt; b is null when replaying a source's remembered first attempt. */
    function count(
      w: WindowState,
      src: number,
      dst: number,
      port: number,
      t: number,
      srcInt: boolean,
      dstInt: boolean,
      b: FlowBatch | null,
      i: number,
      ctx: DetectorContext,
    ): void {
      const v = bump(w.vertical, hashKey(src, dst), src, dst, t, dst, srcInt);
      if (b && v >= 0 && w.vertical.get(v, N) >= sampleFrom(config.verticalPorts))
        sampleInto(w.verticalExtra, v, b, i);
      // Live: the finding appears with the attempt that crosses the threshold.
      if (early && v >= 0 && w.vertical.get(v, N) === config.verticalPorts) {
        const start = windows.startOf(t);
        const c = counterAt(w.vertical, v, w.verticalExtra.get(v));
        emit(ctx, c, 'vertical', start, start + config.windowSeconds);
      }
      // Our host sweeping one port of the internet is PortSweep's, not a horizontal scan.
      if (srcInt && !dstInt) return;
      const h = bump(w.horizontal, hashKey(src, port, 1), src, port, t, dst, srcInt);
      if (b && h >= 0 && w.horizontal.get(h, N) >= sampleFrom(config.horizontalHosts))
        sampleInto(w.horizontalExtra, h, b, i);
      // Early only when our host scans: an outside scanner's finding is named after the lowest
      // address it reached, which is not final before the window closes.
      if (early && srcInt && h >= 0 && w.horizontal.get(h, N) === config.horizontalHosts) {
        const start = windows.startOf(t);
        const c = counterAt(w.horizontal, h, w.horizontalExtra.get(h));
        emit(ctx, c, 'horizontal', start, start + config.windowSeconds, [c.other]);
      }
    }

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
        sample: c.samples,
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
      onFlows(view, ctx) {
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
          const before = w.triples.size;
          if (w.triples.add(hashKey(src, dst, port)) < 0 || w.triples.size === before) continue;
          const t = b.start[i]!;
          const sr = w.singles.add(src);
          if (sr < 0) continue;
          const seen = w.singles.inc(sr, S_COUNT);
          if (seen === 1) {
            w.singles.set(sr, S_DST, dst);
            w.singles.set(sr, S_PORT, port);
            w.singles.set(sr, S_TIME, t);
            w.singles.set(sr, S_DST_INTERNAL, dstInt ? 1 : 0);
            continue;
          }
          if (seen === 2) {
            const d0 = w.singles.get(sr, S_DST);
            const p0 = w.singles.get(sr, S_PORT);
            const t0 = w.singles.get(sr, S_TIME);
            count(w, src, d0, p0, t0, srcInt, w.singles.get(sr, S_DST_INTERNAL) === 1, null, 0, ctx);
          }
          count(w, src, dst, port, t, srcInt, dstInt, b, i, ctx);
        }
      },
      onWatermark(t, ctx) {
        windows.closeUpTo(t, (start, end, w) => {
          for (let r = 0; r < w.vertical.size; r++) {
            if (w.vertical.get(r, N) < config.verticalPorts) continue;
            emit(ctx, counterAt(w.vertical, r, w.verticalExtra.get(r)), 'vertical', start, end);
          }
          // One horizontal finding per scanner: the port that reached most hosts, the others listed.
          const bySrc = new Map<number, Counter[]>();
          for (let r = 0; r < w.horizontal.size; r++) {
            if (w.horizontal.get(r, N) < config.horizontalHosts) continue;
            const c = counterAt(w.horizontal, r, w.horizontalExtra.get(r));
            const list = bySrc.get(c.src);
            if (list) list.push(c);
            else bySrc.set(c.src, [c]);
          }
          for (const list of bySrc.values()) {
            list.sort((a, b) => b.n - a.n || a.other - b.other);
            const ports = list.map((c) => c.other).sort((a, b) => a - b);
            emit(ctx, list[0]!, 'horizontal', start, end, ports);
          }
        });
      },
      stateSize() {
        let n = 0;
        for (const [, w] of windows.open())
          n += w.triples.size + w.singles.size + w.vertical.size + w.horizontal.size;
        return n;
      },
    };
  },
};
