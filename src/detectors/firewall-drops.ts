// Bursts of firewall drops: many dropped packets or connections from one source to one of our
// hosts in a window, whatever the ports. Reads rejected flow rows (iptables/nftables/pf LOG lines,
// VPC REJECT records, NetFlow with a drop action) and `firewall` events that were blocked (Sakura
// router lines). A source whose dropped flows reach many ports is a port scan, which the
// portscan detector reports: from flows, a burst is reported only when it touched fewer ports
// than `maxPorts` (a source hammering a few ports), so one activity is not two findings.

import { z } from 'zod';
import { ACTION_REJECT } from '../core/flow.ts';
import type { Detector, DetectorContext } from '../engine/detector.ts';
import { flowsQuery, pushSample } from '../engine/evidence.ts';
import { hashKey } from '../engine/keys.ts';
import { createTumblingWindows } from '../engine/windows.ts';

export const firewallDropsConfigSchema = z.object({
  windowSeconds: z.number().int().min(10).default(600),
  /** Drops from one source to one host in a window. */
  minDrops: z.number().int().min(1).default(200),
  severity: z.number().min(1).max(10).default(2),
  /** From flows, bursts over this many distinct ports or more are port scans (portscan's verticalPorts). */
  maxPorts: z.number().int().min(1).default(15),
  maxKeys: z.number().int().min(100).default(200_000),
});

const MAX_SAMPLE = 20;

interface Drops {
  /** Address texts; for flow rows filled from the keys when the window closes. */
  actor: string;
  target: string;
  srcKey: number;
  dstKey: number;
  drops: number;
  ports: Set<number>;
  first: number;
  last: number;
  samples: string[];
  fromEvents: number;
}

export const firewallDrops: Detector<typeof firewallDropsConfigSchema> = {
  id: 'firewall-drops',
  types: ['Recon:Host/FirewallDropBurst'],
  description: 'Many firewall drops from one source to one host (firewall logs, REJECT flows, router events)',
  configSchema: firewallDropsConfigSchema,
  create(config) {
    // Flow rows are keyed by their address keys (no text per row); events by their text.
    const windows = createTumblingWindows<Map<number | string, Drops>>(config.windowSeconds, () => new Map());
    const entry = (
      w: Map<number | string, Drops>,
      k: number | string,
      init: () => Pick<Drops, 'actor' | 'target' | 'srcKey' | 'dstKey'>,
      t: number,
    ): Drops | null => {
      let d = w.get(k);
      if (d === undefined) {
        if (w.size >= config.maxKeys) return null;
        d = { ...init(), drops: 0, ports: new Set(), first: t, last: t, samples: [], fromEvents: 0 };
        w.set(k, d);
      }
      d.drops++;
      if (t < d.first) d.first = t;
      if (t > d.last) d.last = t;
      return d;
    };

    function report(ctx: DetectorContext, start: number, end: number, d: Drops): void {
      const ports = [...d.ports].sort((a, b) => a - b);
      ctx.emit({
        type: 'Recon:Host/FirewallDropBurst',
        severity: config.severity,
        resource: { ip: d.target, id: null },
        actor: { ip: d.actor, port: null },
        role: 'target',
        discriminator: 'drops',
        title: `Firewall dropped ${d.drops} packets from ${d.actor} to ${d.target}`,
        description: `The firewall dropped ${d.drops} packets or connections from ${d.actor} to ${d.target} within ${config.windowSeconds / 60} min (threshold ${config.minDrops}) on ${ports.length} destination ports.`,
        threshold: config.minDrops,
        observed: d.drops,
        windowStart: start,
        windowEnd: end,
        sample: d.samples,
        query:
          d.fromEvents === d.drops
            ? `SELECT * FROM events WHERE kind = 'firewall' AND src_ip = '${d.actor.replace(/'/g, "''")}' AND time >= to_timestamp(${start}) AND time < to_timestamp(${end}) ORDER BY time`
            : flowsQuery({ srcIp: d.actor, dstIp: d.target, from: start, to: end }).replace(
                ' ORDER BY',
                " AND action = 'reject' ORDER BY",
              ),
        firstSeen: d.first,
        lastSeen: d.last,
        detail: { drops: d.drops, distinctPorts: ports.length, ports: ports.slice(0, 20).map(String) },
        detector: 'firewall-drops',
      });
    }

    return {
      onFlows(view) {
        const b = view.batch;
        for (let i = 0; i < b.length; i++) {
          // Drops aimed at our hosts (our own outbound rejects are not a source hammering us).
          if (b.action[i] !== ACTION_REJECT || view.skip[i] || view.dstInternal[i] === 0) continue;
          const w = windows.at(b.start[i]!);
          if (w === null) continue;
          const src = view.srcKey[i]!;
          const dst = view.dstKey[i]!;
          const d = entry(
            w,
            hashKey(src, dst),
            () => ({ actor: '', target: '', srcKey: src, dstKey: dst }),
            b.start[i]!,
          );
          if (d === null) continue;
          if (b.dstPort[i]! >= 0 && d.ports.size < 65_536) d.ports.add(b.dstPort[i]!);
          pushSample(d.samples, b, i, MAX_SAMPLE);
        }
      },
      onEvent(e) {
        if (e.kind !== 'firewall' || e.outcome !== 'blocked' || e.src_ip === null) return;
        const w = windows.at(e.time);
        if (w === null) return;
        const actor = e.src_ip;
        const target = e.dst_ip ?? e.host ?? 'unknown';
        const d = entry(w, `${actor}|${target}`, () => ({ actor, target, srcKey: -1, dstKey: -1 }), e.time);
        if (d === null) return;
        d.fromEvents++;
        if (e.dst_port !== null) d.ports.add(e.dst_port);
        if (d.samples.length < MAX_SAMPLE) d.samples.push(e.message.slice(0, 500));
      },
      onWatermark(t, ctx) {
        windows.closeUpTo(t, (start, end, w) => {
          for (const d of w.values()) {
            if (d.drops < config.minDrops) continue;
            if (d.fromEvents < d.drops && d.ports.size >= config.maxPorts) continue; // a scan
            if (d.srcKey >= 0) {
              d.actor = ctx.keyText(d.srcKey);
              d.target = ctx.keyText(d.dstKey);
            }
            report(ctx, start, end, d);
          }
        });
      },
      stateSize() {
        let n = 0;
        for (const [, w] of windows.open()) n += w.size;
        return n;
      },
    };
  },
};
