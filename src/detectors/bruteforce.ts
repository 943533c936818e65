// SSH / RDP / WinRM brute force from flows: many separate sessions (distinct source ports) from
// one source to one service of one host in a window. Ports are configurable, not only 22.
// Low when an outside source targets us; high when our host is the one hammering.

import { z } from 'zod';
import { ACTION_ACCEPT } from '../core/flow.ts';
import type { Detector, DetectorContext } from '../engine/detector.ts';
import { flowsQuery, pushSample } from '../engine/evidence.ts';
import { hashKey } from '../engine/keys.ts';
import { createNumTable, type NumTable } from '../engine/num-table.ts';
import { createTumblingWindows } from '../engine/windows.ts';

const serviceSchema = z.object({
  port: z.number().int().min(1).max(65535),
  type: z.string(),
  name: z.string(),
});

export const bruteforceConfigSchema = z.object({
  windowSeconds: z.number().int().min(10).default(600),
  /** Distinct sessions (source ports) from one source to one service (Slips 9, Wazuh 8). */
  minSessions: z.number().int().min(2).default(8),
  services: z.array(serviceSchema).default([
    { port: 22, type: 'UnauthorizedAccess:Host/SSHBruteForce', name: 'SSH' },
    { port: 3389, type: 'UnauthorizedAccess:Host/RDPBruteForce', name: 'RDP' },
    { port: 5985, type: 'Impact:Host/WinRMBruteForce', name: 'WinRM' },
    { port: 5986, type: 'Impact:Host/WinRMBruteForce', name: 'WinRM' },
  ]),
  /** Severity when we are the target of an outside source. */
  severityTarget: z.number().min(1).max(10).default(2),
  /** Severity when our host is the actor (attacking out or across the VPC). */
  severityActor: z.number().min(1).max(10).default(8),
  /** A session with at least this many packets among the attempts suggests a successful login. */
  successPackets: z.number().int().min(1).default(60),
  maxKeys: z.number().int().min(1000).default(2_000_000),
});

// Columns of the per (source, host, port) table.
const SRC = 0;
const DST = 1;
const PORT = 2;
const SESSIONS = 3;
const ACCEPTED = 4;
const MAX_PACKETS = 5;
const FIRST = 6;
const LAST = 7;
const SRC_INTERNAL = 8;
const COLUMNS = 9;

interface WindowState {
  sessions: NumTable;
  pairs: NumTable;
  /** Resource and samples, only for pairs past a third of the threshold. */
  extra: Map<number, { resource: string | null; samples: string[] }>;
}

export const bruteforce: Detector<typeof bruteforceConfigSchema> = {
  id: 'bruteforce',
  types: [
    'UnauthorizedAccess:Host/SSHBruteForce',
    'UnauthorizedAccess:Host/RDPBruteForce',
    'Impact:Host/WinRMBruteForce',
  ],
  description: 'Many short sessions from one source to a login service',
  configSchema: bruteforceConfigSchema,
  create(config, deps) {
    const early = deps.early === true;
    const services = new Map(config.services.map((s) => [s.port, s]));
    const sampleFrom = Math.max(2, Math.ceil(config.minSessions / 3));
    const windows = createTumblingWindows<WindowState>(config.windowSeconds, () => ({
      sessions: createNumTable(0, config.maxKeys),
      pairs: createNumTable(COLUMNS, config.maxKeys),
      extra: new Map(),
    }));
    /** The signal for pair row r of window w. */
    function report(ctx: DetectorContext, start: number, end: number, w: WindowState, r: number): void {
      const p = w.pairs;
      const sessions = p.get(r, SESSIONS);
      const port = p.get(r, PORT);
      const svc = services.get(port)!;
      const src = ctx.keyText(p.get(r, SRC));
      const dst = ctx.keyText(p.get(r, DST));
      const ours = p.get(r, SRC_INTERNAL) === 1;
      const success = p.get(r, MAX_PACKETS) >= config.successPackets;
      const extra = w.extra.get(r);
      ctx.emit({
        type: svc.type,
        severity: ours ? config.severityActor : config.severityTarget,
        resource: { ip: ours ? src : dst, id: extra?.resource ?? null },
        actor: { ip: src, port: null },
        role: ours ? 'actor' : 'target',
        discriminator: ours ? `target:${dst}:${port}` : `port:${port}`,
        title: `${svc.name} brute force from ${src} against ${dst}:${port}`,
        description: `${src} opened ${sessions} separate ${svc.name} sessions to ${dst}:${port} within ${config.windowSeconds / 60} min (threshold ${config.minSessions})${success ? '; one session was long enough to suggest a successful login' : ''}.`,
        threshold: config.minSessions,
        observed: sessions,
        windowStart: start,
        windowEnd: end,
        sample: extra?.samples ?? [],
        query: flowsQuery({ srcIp: src, dstIp: dst, dstPort: port, from: start, to: end }),
        firstSeen: p.get(r, FIRST),
        lastSeen: p.get(r, LAST),
        detail: { port, target: dst, acceptedRecords: p.get(r, ACCEPTED), possibleSuccess: success },
        detector: 'bruteforce',
      });
    }

    return {
      onFlows(view, ctx) {
        const b = view.batch;
        for (let i = 0; i < b.length; i++) {
          if (view.skip[i] || view.reply[i]) continue;
          const port = b.dstPort[i]!;
          if (!services.has(port) || (b.proto[i] !== 6 && b.proto[i] !== -1)) continue;
          if (!view.srcInternal[i] && !view.dstInternal[i]) continue;
          const w = windows.at(b.start[i]!);
          if (w === null) continue;
          const src = view.srcKey[i]!;
          const dst = view.dstKey[i]!;
          const t = b.start[i]!;
          const pk = hashKey(src, dst, port);
          const r = w.pairs.add(pk);
          if (r < 0) continue;
          if (w.pairs.get(r, SESSIONS) === 0 && w.pairs.get(r, FIRST) === 0) {
            w.pairs.set(r, SRC, src);
            w.pairs.set(r, DST, dst);
            w.pairs.set(r, PORT, port);
            w.pairs.set(r, FIRST, t);
            w.pairs.set(r, LAST, t);
            w.pairs.set(r, SRC_INTERNAL, view.srcInternal[i]!);
          }
          const before = w.sessions.size;
          let n = 0;
          if (w.sessions.add(hashKey(pk, b.srcPort[i]!, 7)) >= 0 && w.sessions.size > before) {
            n = w.pairs.inc(r, SESSIONS);
            if (n >= sampleFrom) {
              let e = w.extra.get(r);
              if (e === undefined) {
                e = { resource: b.resource[i] ?? null, samples: [] };
                w.extra.set(r, e);
              }
              pushSample(e.samples, b, i);
            }
          }
          if (b.action[i] === ACTION_ACCEPT) w.pairs.inc(r, ACCEPTED);
          if (b.packets[i]! > w.pairs.get(r, MAX_PACKETS)) w.pairs.set(r, MAX_PACKETS, b.packets[i]!);
          if (t < w.pairs.get(r, FIRST)) w.pairs.set(r, FIRST, t);
          if (t > w.pairs.get(r, LAST)) w.pairs.set(r, LAST, t);
          // Live: the finding appears with the record that completes the attack.
          if (early && n === config.minSessions) {
            const start = windows.startOf(t);
            report(ctx, start, start + config.windowSeconds, w, r);
          }
        }
      },
      onWatermark(t, ctx) {
        windows.closeUpTo(t, (start, end, w) => {
          for (let r = 0; r < w.pairs.size; r++) {
            if (w.pairs.get(r, SESSIONS) >= config.minSessions) report(ctx, start, end, w, r);
          }
        });
      },
      stateSize() {
        let n = 0;
        for (const [, w] of windows.open()) n += w.sessions.size + w.pairs.size;
        return n;
      },
    };
  },
};
