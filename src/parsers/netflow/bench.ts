// Decode throughput, for `npm run bench`: replays the real softflowd export packets of the lab
// capture (v9, v5 and IPFIX, 13,207 flows each) through one decoder, round after round.

import { createNetflowDecoder } from './decoder.ts';
import { readUdpFromPcap, SOFTFLOWD_CAPTURE } from './testdata/read-pcap.ts';

export interface NetflowDecodeBenchResult {
  rounds: number;
  packets: number;
  flows: number;
  elapsedMs: number;
  flowsPerSecond: number;
  packetsPerSecond: number;
}

export interface NetflowDecodeBenchOptions {
  /** How many times the three exports are decoded (default 10: about 400k flows). */
  rounds?: number;
  /** Only these export ports: 9995 v9, 9996 v5, 9997 IPFIX (default all). */
  ports?: number[];
}

export function benchNetflowDecode(options: NetflowDecodeBenchOptions = {}): NetflowDecodeBenchResult {
  const rounds = options.rounds ?? 10;
  const ports = new Set(options.ports ?? [9995, 9996, 9997]);
  const datagrams = readUdpFromPcap(SOFTFLOWD_CAPTURE).filter((d) => ports.has(d.dstPort));
  const decoder = createNetflowDecoder();
  let flows = 0;
  const started = performance.now();
  let held = 0;
  for (let r = 0; r < rounds; r++) {
    for (const d of datagrams) {
      // One exporter per export port, as softflowd would be three exporters. Rows are held
      // across packets and flushed every 256 packets, as the UDP collector's decode stage does.
      const out = decoder.decode(d.payload, { address: '127.0.0.1', port: d.dstPort }, d.timeMs, {
        hold: true,
      });
      for (const b of out.batches) flows += b.length;
      if (++held === 256) {
        for (const b of decoder.flush()) flows += b.length;
        held = 0;
      }
    }
  }
  for (const b of decoder.flush()) flows += b.length;
  const elapsedMs = performance.now() - started;
  const packets = datagrams.length * rounds;
  return {
    rounds,
    packets,
    flows,
    elapsedMs,
    flowsPerSecond: flows / (elapsedMs / 1000),
    packetsPerSecond: packets / (elapsedMs / 1000),
  };
}
