// SSH / RDP / WinRM brute force from flows: many separate sessions (distinct source ports) from
// one source to one service of one host in a window. Ports are configurable, not only 22.
// Low when an outside source targets us; high when our host is the one hammering.

import { z } from 'zod';
import { ACTION_ACCEPT } from '../core/flow.ts';
import type { Detector } from '../engine/detector.ts';
import { flowsQuery, pushSample } from '../engine/evidence.ts';
import { hashKey } from '../engine/keys.ts';
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
  /** Severity when our host is the actor (scanning out or across the VPC). */
  severityActor: z.number().min(1).max(10).default(8),
  /** A session with at least this many packets after the attempts suggests a successful login. */
  successPackets: z.number().int().min(1).default(60),
  maxKeys: z.number().int().min(1000).default(2_000_000),
});

interface Attempts {
  src: number;
  dst: number;
  port: number;
  sessions: number;
  accepted: number;
  maxPackets: number;
  first: number;
  last: number;
  srcInternal: boolean;
  resource: string | null;
  samples: string[];
}

interface WindowState {
  sessions: Set<number>;
  pairs: Map<number, Attempts>;
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
  create(config) {
    const services = new Map(config.services.map((s) => [s.port, s]));
    const windows = createTumblingWindows<WindowState>(config.windowSeconds, () => ({
      sessions: new Set(),
      pairs: new Map(),
    }));
    return {
      onFlows(view) {
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
          const pk = hashKey(src, dst, port);
          let a = w.pairs.get(pk);
          if (a === undefined) {
            if (w.pairs.size >= config.maxKeys) continue;
            a = {
              src,
              dst,
              port,
              sessions: 0,
              accepted: 0,
              maxPackets: 0,
              first: b.start[i]!,
              last: b.start[i]!,
              srcInternal: view.srcInternal[i] === 1,
              resource: b.resource[i] ?? null,
              samples: [],
            };
            w.pairs.set(pk, a);
          }
          const sk = hashKey(pk, b.srcPort[i]!, 7);
          if (!w.sessions.has(sk)) {
            w.sessions.add(sk);
            a.sessions++;
            pushSample(a.samples, b, i);
          }
          if (b.action[i] === ACTION_ACCEPT) a.accepted++;
          const p = b.packets[i]!;
          if (p > a.maxPackets) a.maxPackets = p;
          a.first = Math.min(a.first, b.start[i]!);
          a.last = Math.max(a.last, b.start[i]!);
        }
      },
      onWatermark(t, ctx) {
        windows.closeUpTo(t, (start, end, w) => {
          for (const a of w.pairs.values()) {
            if (a.sessions < config.minSessions) continue;
            const svc = services.get(a.port)!;
            const src = ctx.keyText(a.src);
            const dst = ctx.keyText(a.dst);
            const ours = a.srcInternal;
            const success = a.maxPackets >= config.successPackets;
            ctx.emit({
              type: svc.type,
              severity: ours ? config.severityActor : config.severityTarget,
              resource: ours ? { ip: src, id: a.resource } : { ip: dst, id: a.resource },
              actor: { ip: src, port: null },
              role: ours ? 'actor' : 'target',
              discriminator: ours ? `target:${dst}:${a.port}` : `port:${a.port}`,
              title: `${svc.name} brute force from ${src} against ${dst}:${a.port}`,
              description: `${src} opened ${a.sessions} separate ${svc.name} sessions to ${dst}:${a.port} within ${config.windowSeconds / 60} min (threshold ${config.minSessions})${success ? '; one session was long enough to suggest a successful login' : ''}.`,
              threshold: config.minSessions,
              observed: a.sessions,
              windowStart: start,
              windowEnd: end,
              sample: a.samples,
              query: flowsQuery({ srcIp: src, dstIp: dst, dstPort: a.port, from: start, to: end }),
              firstSeen: a.first,
              lastSeen: a.last,
              detail: { port: a.port, target: dst, acceptedRecords: a.accepted, possibleSuccess: success },
              detector: 'bruteforce',
            });
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
