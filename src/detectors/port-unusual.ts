// Behavior:Host/NetworkPortUnusual: a host of ours starts connections to a port (or answers on
// a port) it has no history of, in that direction. The history is the host's profile
// (src/behavior). Cold-start rule: nothing is reported for a host until its profile is mature
// (learningSeconds of history and minFlows flows). A port is reported once per host and
// direction; after that it is part of the profile.

import { z } from 'zod';
import { profileBookFor } from '../behavior/book.ts';
import {
  bytesWords,
  isMature,
  learningWords,
  portsWords,
  addPoint,
  seriesText,
} from '../behavior/explain.ts';
import { portKey, portName } from '../behavior/profile.ts';
import type { Detector, DetectorContext } from '../engine/detector.ts';
import { flowsQuery, sampleText } from '../engine/evidence.ts';
import { hashKey } from '../engine/keys.ts';

export const portUnusualConfigSchema = z.object({
  /** History a host needs before its new ports are reported (cold start). */
  learningSeconds: z.number().min(0).default(3600),
  minFlows: z.number().int().min(0).default(20),
  /** Activity on the new port is gathered this long before the finding is written. */
  gatherSeconds: z.number().min(0).default(600),
  severity: z.number().min(1).max(10).default(5),
  /** Also report new ports between two internal hosts. */
  includeInternal: z.boolean().default(false),
  maxPending: z.number().int().min(10).default(10000),
});

interface Pending {
  host: number;
  outbound: boolean;
  port: number;
  proto: number;
  first: number;
  last: number;
  flows: number;
  bytes: number;
  remote: number;
  resource: string | null;
  /** Records on the port: time, bytes, remote key, sample text (bounded). */
  rows: { t: number; b: number; k: number; s: string }[];
}

const MAX_ROWS = 2000;

export const portUnusual: Detector<typeof portUnusualConfigSchema> = {
  id: 'port-unusual',
  types: ['Behavior:Host/NetworkPortUnusual'],
  description: 'A host of ours uses or serves a port it has no history of',
  configSchema: portUnusualConfigSchema,
  create(config, deps) {
    const book = profileBookFor(deps);
    const pending = new Map<number, Pending>();
    // Pending ports per host (by profile index): most records are of hosts with none.
    const pendingOf: number[] = [];

    function report(ctx: DetectorContext, p: Pending): void {
      // Only the records of the gathering window count, whatever order they came in.
      const rows = p.rows
        .filter((r) => r.t < p.first + config.gatherSeconds)
        .sort((a, b) => a.t - b.t || a.s.localeCompare(b.s));
      const remotes = new Set(rows.map((r) => r.k));
      p.flows = rows.length;
      p.bytes = rows.reduce((n, r) => n + r.b, 0);
      p.last = rows.reduce((m, r) => Math.max(m, r.t), p.first);
      const points: [number, number][] = [];
      for (const r of rows) addPoint(points, r.t, 60, 1);
      const sample = rows.slice(0, 20).map((r) => r.s);
      const prof = book.profiles[p.host]!;
      const host = prof.ip;
      const remote = ctx.keyText(p.remote);
      const port = portName(portKey(p.proto, p.port));
      const dir = p.outbound ? 'out' : 'in';
      const verb = p.outbound ? `connected to ${port}` : `answered on ${port}`;
      const history = p.outbound ? prof.used : prof.served;
      const known = new Set([...history].filter((k) => k !== portKey(p.proto, p.port)));
      const learned = learningWords(prof, p.first, config);
      ctx.emit({
        type: 'Behavior:Host/NetworkPortUnusual',
        severity: config.severity,
        resource: { ip: host, id: p.resource },
        actor: { ip: remote, port: p.outbound ? p.port : null },
        role: p.outbound ? 'actor' : 'target',
        discriminator: `${dir}:${port}`,
        actorInIdentity: false,
        title: `${host} ${verb}, a port it had never ${p.outbound ? 'used' : 'served'}`,
        description:
          `${host} ${verb} ${p.flows} time(s) with ${remotes.size} address(es) (${remote} first), ` +
          `${bytesWords(p.bytes)}. Its profile, ${learned}, ` +
          `${p.outbound ? 'used' : 'served'} only: ${portsWords(known)}.`,
        threshold: 0,
        observed: p.flows,
        windowStart: p.first,
        windowEnd: p.last + 1,
        sample,
        query: p.outbound
          ? flowsQuery({ srcIp: host, dstPort: p.port, proto: p.proto, from: p.first, to: p.last + 1 })
          : flowsQuery({ dstIp: host, dstPort: p.port, proto: p.proto, from: p.first, to: p.last + 1 }),
        firstSeen: p.first,
        lastSeen: p.last,
        detail: {
          explanation: `${p.outbound ? 'uses' : 'serves'} ${port} for the first time; ${learned}`,
          direction: p.outbound ? 'outbound' : 'inbound',
          port: p.port,
          protocol: p.proto,
          baselinePorts: [...known].sort((a, b) => a - b).map(portName),
          baselineSaturated: p.outbound ? prof.usedFull : prof.servedFull,
          learningSince: prof.first,
          learningSeconds: config.learningSeconds,
          flows: p.flows,
          bytes: p.bytes,
          remotes: remotes.size,
          series: seriesText({
            kind: 'connections',
            unit: 'flows per minute',
            points,
            baseline: 0,
          }),
        },
        detector: 'port-unusual',
      });
    }

    return {
      onFlows(view) {
        const f = book.observe(view);
        const b = view.batch;
        for (let i = 0; i < b.length; i++) {
          const out = f.newUsed[i] === 1;
          const inb = f.newServed[i] === 1;
          if (!out && !inb) continue;
          if (view.dstInternal[i] && view.srcInternal[i] && !config.includeInternal) continue;
          const host = out ? f.client[i]! : f.server[i]!;
          const t = b.start[i]!;
          if (!isMature(book.profiles[host]!, t, config)) continue;
          const port = out ? b.dstPort[i]! : b.srcPort[i]!;
          const k = hashKey(host, b.proto[i]! * 65536 + port, out ? 1 : 2);
          if (pending.has(k) || pending.size >= config.maxPending) continue;
          pendingOf[host] = (pendingOf[host] ?? 0) + 1;
          pending.set(k, {
            host,
            outbound: out,
            port,
            proto: b.proto[i]!,
            first: t,
            last: t,
            flows: 0,
            bytes: 0,
            remote: view.dstKey[i]!,
            resource: b.resource[i] ?? null,
            rows: [],
          });
        }
        if (pending.size === 0) return;
        // Follow the activity on pending ports until the finding is written.
        for (let i = 0; i < b.length; i++) {
          if (view.skip[i]) continue;
          const outHost = f.client[i]!;
          const inHost = f.server[i]!;
          const host = outHost >= 0 ? outHost : inHost;
          if (host < 0 || !(pendingOf[host]! > 0)) continue;
          const port = outHost >= 0 ? b.dstPort[i]! : b.srcPort[i]!;
          const p = pending.get(hashKey(host, b.proto[i]! * 65536 + port, outHost >= 0 ? 1 : 2));
          if (p === undefined) continue;
          const t = b.start[i]!;
          if (t < p.first) {
            p.first = t;
            p.remote = view.dstKey[i]!;
          }
          if (p.rows.length < MAX_ROWS)
            p.rows.push({ t, b: b.bytes[i]! > 0 ? b.bytes[i]! : 0, k: view.dstKey[i]!, s: sampleText(b, i) });
        }
      },
      onWatermark(t, ctx) {
        for (const [k, p] of pending) {
          if (t !== Infinity && t < p.first + config.gatherSeconds) continue;
          report(ctx, p);
          pending.delete(k);
          pendingOf[p.host]!--;
        }
      },
      stateSize: () => pending.size,
    };
  },
};
