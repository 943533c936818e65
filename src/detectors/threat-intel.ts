// Threat-list and Tor matches: traffic between our host and an address on an operator threat
// list (MaliciousIPCaller.Custom, naming the list) or a Tor node (TorClient when our host
// connects out, TorIPCaller when a Tor exit reaches us, TorRelay when Tor relays connect to our
// service). Trusted lists win: the pipeline never reports a match for a trusted address.

import { z } from 'zod';
import { ACTION_ACCEPT } from '../core/flow.ts';
import type { Detector, DetectorContext } from '../engine/detector.ts';
import { pushSample } from '../engine/evidence.ts';
import { hashKey } from '../engine/keys.ts';
import type { IntelKind } from '../engine/lookups.ts';
import { createTumblingWindows } from '../engine/windows.ts';
import type { Role } from '../findings/finding.ts';

export const threatIntelConfigSchema = z.object({
  windowSeconds: z.number().int().min(60).default(3600),
  /** Severity of traffic our host started, or that the network accepted, with a listed address. */
  severity: z.number().min(1).max(10).default(5),
  /** Severity when every inbound record from the listed address was rejected. */
  severityBlocked: z.number().min(1).max(10).default(2),
  severityTorClient: z.number().min(1).max(10).default(7),
  severityTorCaller: z.number().min(1).max(10).default(5),
  severityTorRelay: z.number().min(1).max(10).default(7),
  /** Distinct Tor relays connecting to one service of ours before it counts as a relay. */
  torRelayMinPeers: z.number().int().min(1).default(5),
  maxKeys: z.number().int().min(1000).default(1_000_000),
});

interface Contact {
  ours: number;
  remote: number;
  list: string;
  kind: IntelKind;
  outbound: number;
  inbound: number;
  inboundAccepted: number;
  ourPort: number;
  first: number;
  last: number;
  resource: string | null;
  samples: string[];
}

export const threatIntel: Detector<typeof threatIntelConfigSchema> = {
  id: 'threat-intel',
  types: [
    'UnauthorizedAccess:Host/MaliciousIPCaller.Custom',
    'UnauthorizedAccess:Host/TorClient',
    'UnauthorizedAccess:Host/TorIPCaller',
    'UnauthorizedAccess:Host/TorRelay',
  ],
  description: 'Traffic with addresses on threat lists or Tor node lists',
  configSchema: threatIntelConfigSchema,
  create(config, deps) {
    const early = deps.early === true;
    const windows = createTumblingWindows(config.windowSeconds, () => new Map<number, Contact>());
    /** The signal for one contact; `peers`: Tor relays reaching the same service of ours. */
    function report(ctx: DetectorContext, start: number, end: number, c: Contact, peers: number): void {
      const host = ctx.keyText(c.ours);
      const remote = ctx.keyText(c.remote);
      let type: string;
      let severity: number;
      let role: Role;
      let what: string;
      if (c.kind === 'threat') {
        type = 'UnauthorizedAccess:Host/MaliciousIPCaller.Custom';
        role = c.outbound > 0 ? 'actor' : 'target';
        severity = c.outbound > 0 || c.inboundAccepted > 0 ? config.severity : config.severityBlocked;
        what = `${c.outbound > 0 ? `${host} contacted` : `${host} was contacted by`} ${remote}, which is on the threat list "${c.list}"`;
      } else if (c.outbound > 0) {
        type = 'UnauthorizedAccess:Host/TorClient';
        role = 'actor';
        severity = config.severityTorClient;
        what = `${host} connected to the Tor node ${remote} (list "${c.list}")`;
      } else if (c.kind === 'tor-relay' && peers >= config.torRelayMinPeers) {
        type = 'UnauthorizedAccess:Host/TorRelay';
        role = 'actor';
        severity = config.severityTorRelay;
        what = `${host} accepts connections from ${peers} Tor relays on port ${c.ourPort}, as a Tor relay does`;
      } else {
        type = 'UnauthorizedAccess:Host/TorIPCaller';
        role = 'target';
        severity = c.inboundAccepted > 0 ? config.severityTorCaller : config.severityBlocked;
        what = `${host} was contacted by the Tor node ${remote} (list "${c.list}")`;
      }
      ctx.emit({
        type,
        severity,
        resource: { ip: host, id: c.resource },
        actor: { ip: remote, port: null },
        role,
        discriminator: '',
        title: what,
        description: `${what}: ${c.outbound} outbound and ${c.inbound} inbound records (${c.inboundAccepted} accepted) within ${config.windowSeconds / 60} min.`,
        threshold: 1,
        observed: c.outbound + c.inbound,
        windowStart: start,
        windowEnd: end,
        sample: c.samples,
        query: `SELECT * FROM flows WHERE ((src_ip = '${host}' AND dst_ip = '${remote}') OR (src_ip = '${remote}' AND dst_ip = '${host}')) AND time >= to_timestamp(${start}) AND time < to_timestamp(${end}) ORDER BY time`,
        firstSeen: c.first,
        lastSeen: c.last,
        intelList: c.list,
        detail: {
          list: c.list,
          kind: c.kind,
          outbound: c.outbound,
          inbound: c.inbound,
          inboundAccepted: c.inboundAccepted,
        },
        detector: 'threat-intel',
      });
    }

    return {
      onFlows(view, ctx) {
        const b = view.batch;
        for (let i = 0; i < b.length; i++) {
          const m = view.intel[i] ?? null;
          if (m === null || view.skip[i] || m.kind === 'mining-pool') continue;
          const w = windows.at(b.start[i]!);
          if (w === null) continue;
          const srcOurs = view.srcInternal[i] === 1;
          const ours = srcOurs ? view.srcKey[i]! : view.dstKey[i]!;
          const remote = srcOurs ? view.dstKey[i]! : view.srcKey[i]!;
          const k = hashKey(ours, remote);
          let c = w.get(k);
          if (c === undefined) {
            if (w.size >= config.maxKeys) continue;
            c = {
              ours,
              remote,
              list: m.list,
              kind: m.kind,
              outbound: 0,
              inbound: 0,
              inboundAccepted: 0,
              ourPort: -1,
              first: b.start[i]!,
              last: b.start[i]!,
              resource: b.resource[i] ?? null,
              samples: [],
            };
            w.set(k, c);
          }
          // Who started it: our host (src and not a reply, or dst of a reply) or the remote.
          const ourInitiative = srcOurs !== (view.reply[i] === 1);
          // Live: a threat-list contact, or our host reaching a Tor node, is a finding at once
          // (both keep their type until the window closes; Tor inbound types may still change).
          const announce =
            early &&
            ((c.kind === 'threat' && c.outbound + c.inbound === 0) || (ourInitiative && c.outbound === 0));
          if (ourInitiative) c.outbound++;
          else {
            c.inbound++;
            if (b.action[i] === ACTION_ACCEPT) c.inboundAccepted++;
            const port = srcOurs ? b.srcPort[i]! : b.dstPort[i]!;
            if (c.ourPort < 0 || port < c.ourPort) c.ourPort = port;
          }
          c.first = Math.min(c.first, b.start[i]!);
          c.last = Math.max(c.last, b.start[i]!);
          pushSample(c.samples, b, i);
          if (announce) {
            const start = windows.startOf(b.start[i]!);
            report(ctx, start, start + config.windowSeconds, c, 0);
          }
        }
      },
      onWatermark(t, ctx) {
        windows.closeUpTo(t, (start, end, w) => {
          // Tor relays connecting to one service of ours: count peers per (our host, port).
          const relayPeers = new Map<string, number>();
          for (const c of w.values()) {
            if (c.kind === 'tor-relay' && c.inboundAccepted > 0) {
              const key = `${c.ours}:${c.ourPort}`;
              relayPeers.set(key, (relayPeers.get(key) ?? 0) + 1);
            }
          }
          for (const c of w.values())
            report(ctx, start, end, c, relayPeers.get(`${c.ours}:${c.ourPort}`) ?? 0);
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
