// Shared counting for the flood detectors (dos-outbound, inbound-flood): packets of small size
// from one source to one destination in a short window. Not a detector itself.

import { z } from 'zod';
import type { DetectorContext, DetectorInstance, FlowView } from '../engine/detector.ts';
import { flowsQuery, pushSample } from '../engine/evidence.ts';
import { hashKey } from '../engine/keys.ts';
import { createCountMin, type CountMin } from '../engine/sketch.ts';
import { createTumblingWindows } from '../engine/windows.ts';

export const floodConfigShape = {
  windowSeconds: z.number().int().min(1).default(60),
  /** Packets from one source to one destination in the window. */
  minPackets: z.number().int().min(1).default(1000),
  /** Floods are small packets; bulk transfers (backups) are not. */
  maxAvgBytesPerPacket: z.number().min(1).default(200),
  /** Separate records (flows) in the window: floods vary source ports. */
  minRecords: z.number().int().min(1).default(20),
  /** More distinct destination ports than this is a port scan, not a flood. */
  maxDistinctPorts: z.number().int().min(1).default(16),
  maxKeys: z.number().int().min(1000).default(2_000_000),
  /**
   * Exact per-pair state starts once a pair's packets (counted approximately, in fixed memory)
   * reach this share of minPackets; the approximate counts so far are carried over.
   */
  trackFromShare: z.number().min(0).max(1).default(0.1),
};

export interface FloodStats {
  src: number;
  dst: number;
  packets: number;
  bytes: number;
  records: number;
  tcp: number;
  udp: number;
  other: number;
  dns: number;
  udpTcpPorts: number;
  /** Distinct destination ports, counted up to maxDistinctPorts + 1. */
  ports: Set<number>;
  first: number;
  last: number;
  resource: string | null;
  samples: string[];
}

export interface FloodSettings {
  windowSeconds: number;
  minPackets: number;
  maxAvgBytesPerPacket: number;
  minRecords: number;
  maxDistinctPorts: number;
  maxKeys: number;
  trackFromShare: number;
}

interface FloodWindow {
  pairs: Map<number, FloodStats>;
  packets: CountMin;
  records: CountMin;
}

export const TCP_SERVICE_PORTS = new Set([
  21, 22, 23, 25, 80, 110, 143, 443, 465, 587, 993, 995, 3306, 3389, 5432, 8080, 8443,
]);

export function createFloodDetector(
  settings: FloodSettings,
  wants: (view: FlowView, i: number) => boolean,
  report: (ctx: DetectorContext, s: FloodStats, start: number, end: number) => void,
): DetectorInstance {
  // Sketches are reused from closed windows: allocating them per window would dominate.
  const pool: CountMin[] = [];
  const sketch = (): CountMin => pool.pop() ?? createCountMin();
  const windows = createTumblingWindows<FloodWindow>(settings.windowSeconds, () => ({
    pairs: new Map(),
    packets: sketch(),
    records: sketch(),
  }));
  const trackFrom = settings.minPackets * settings.trackFromShare;
  return {
    onFlows(view) {
      const b = view.batch;
      for (let i = 0; i < b.length; i++) {
        if (view.skip[i] || view.reply[i] || !wants(view, i)) continue;
        const w = windows.at(b.start[i]!);
        if (w === null) continue;
        const src = view.srcKey[i]!;
        const dst = view.dstKey[i]!;
        const proto = b.proto[i]!;
        // Separate keys per protocol: a SYN flood and a UDP flood are two findings.
        const k = hashKey(src, dst, proto);
        const p = Number.isNaN(b.packets[i]!) ? 1 : b.packets[i]!;
        const bytes = Number.isNaN(b.bytes[i]!) ? 0 : b.bytes[i]!;
        // Approximate counting first, with no per-pair object; exact state only for pairs that
        // could become a flood (the sketch never underestimates).
        const packetsSoFar = w.packets.add(k, p) - p;
        const recordsSoFar = w.records.add(k, 1) - 1;
        if (packetsSoFar + p < trackFrom) continue;
        let s = w.pairs.get(k);
        if (s === undefined) {
          if (w.pairs.size >= settings.maxKeys) continue;
          s = {
            src,
            dst,
            packets: packetsSoFar,
            bytes: packetsSoFar * (bytes / p),
            records: recordsSoFar,
            tcp: proto === 6 ? packetsSoFar : 0,
            udp: proto === 17 ? packetsSoFar : 0,
            other: proto !== 6 && proto !== 17 ? packetsSoFar : 0,
            dns: 0,
            udpTcpPorts: 0,
            ports: new Set(),
            first: b.start[i]!,
            last: b.start[i]!,
            resource: b.resource[i] ?? null,
            samples: [],
          };
          w.pairs.set(k, s);
        }
        s.packets += p;
        s.bytes += bytes;
        s.records++;
        const port = b.dstPort[i]!;
        if (s.ports.size <= settings.maxDistinctPorts) s.ports.add(port);
        if (proto === 6) s.tcp += p;
        else if (proto === 17) {
          s.udp += p;
          if (port === 53) s.dns += p;
          else if (TCP_SERVICE_PORTS.has(port)) s.udpTcpPorts += p;
        } else s.other += p;
        s.first = Math.min(s.first, b.start[i]!);
        s.last = Math.max(s.last, b.start[i]!);
        if (s.records > 5) pushSample(s.samples, b, i);
      }
    },
    onWatermark(t, ctx) {
      windows.closeUpTo(t, (start, end, w) => {
        for (const s of w.pairs.values()) {
          if (s.packets < settings.minPackets || s.records < settings.minRecords) continue;
          if (s.bytes / s.packets > settings.maxAvgBytesPerPacket) continue;
          if (s.ports.size > settings.maxDistinctPorts) continue;
          report(ctx, s, start, end);
        }
        for (const c of [w.packets, w.records]) {
          c.clear();
          if (pool.length < 64) pool.push(c);
        }
      });
    },
    stateSize() {
      let n = 0;
      for (const [, w] of windows.open()) n += w.pairs.size;
      return n;
    },
  };
}

/** GuardDuty's DoS sub-type from the dominant traffic. */
export function floodKind(s: FloodStats): 'Tcp' | 'Udp' | 'Dns' | 'UdpOnTcpPorts' | 'UnusualProtocol' {
  const max = Math.max(s.tcp, s.udp, s.other);
  if (max === s.other && s.other > 0) return 'UnusualProtocol';
  if (max === s.tcp) return 'Tcp';
  if (s.dns * 2 >= s.udp) return 'Dns';
  if (s.udpTcpPorts * 2 >= s.udp) return 'UdpOnTcpPorts';
  return 'Udp';
}

export function floodQuery(src: string, dst: string, start: number, end: number): string {
  return flowsQuery({ srcIp: src, dstIp: dst, from: start, to: end });
}
