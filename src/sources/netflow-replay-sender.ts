// The sending side of the NetFlow loopback replay bench (netflow-replay-bench.ts), run as its own
// process so the sender does not share the collector's event loop: the lab's softflowd exports,
// one socket per export port (three exporters), paced at a rate, repeated until `total` datagrams.
// Usage: node netflow-replay-sender.ts PORT DATAGRAMS_PER_SECOND TOTAL. Prints {"sent","ms"}.

import { createSocket } from 'node:dgram';
import { readUdpFromPcap, SOFTFLOWD_CAPTURE } from '../parsers/netflow/testdata/read-pcap.ts';

const [port, rate, total] = process.argv.slice(2).map(Number);
if (!port || !rate || !total)
  throw new Error('usage: netflow-replay-sender.ts PORT DATAGRAMS_PER_SECOND TOTAL');
const datagrams = readUdpFromPcap(SOFTFLOWD_CAPTURE);
const sockets = new Map([9995, 9996, 9997].map((p) => [p, createSocket('udp4')]));
const TICK_MS = 5;
const perTick = Math.max(1, Math.round((rate * TICK_MS) / 1000));
let sent = 0;
let next = 0;
const started = performance.now();
while (sent < total) {
  const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000) + perTick);
  const batch: Promise<void>[] = [];
  while (sent < due) {
    const d = datagrams[next]!;
    next = (next + 1) % datagrams.length;
    batch.push(
      new Promise((resolve) => sockets.get(d.dstPort)!.send(d.payload, port, '127.0.0.1', () => resolve())),
    );
    sent++;
  }
  await Promise.all(batch);
  await new Promise((r) => setTimeout(r, TICK_MS));
}
const ms = performance.now() - started;
for (const s of sockets.values()) s.close();
process.stdout.write(`${JSON.stringify({ sent, ms })}\n`);
