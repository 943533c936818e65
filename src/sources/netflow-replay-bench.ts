// NetFlow collector over loopback, for `npm run bench`: a separate process replays the lab's
// softflowd exports (v5, v9 and IPFIX, ~31 flows a datagram) to a real collector on 127.0.0.1 at
// a fixed rate; the figure is the flows decoded per second of sending, and every datagram sent
// must be received or counted as dropped (queue or kernel): `uncounted` must be 0.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../core/clock.ts';
import { createNetflowUdpSource } from './netflow-udp.ts';

export interface NetflowReplayBenchResult {
  sent: number;
  sendMs: number;
  receivedPackets: number;
  decodedFlows: number;
  queueDrops: number;
  kernelDrops: number | null;
  /** Datagrams neither received nor counted as dropped by the kernel: the target is 0. */
  uncounted: number;
  offeredFlowsPerSecond: number;
  flowsPerSecond: number;
}

const SENDER = fileURLToPath(new URL('./netflow-replay-sender.ts', import.meta.url));
const FLOWS_PER_DATAGRAM = (3 * 13_207) / 1287;

export async function benchNetflowReplay(
  options: { datagramsPerSecond?: number; datagrams?: number } = {},
): Promise<NetflowReplayBenchResult> {
  const rate = options.datagramsPerSecond ?? 8000;
  const total = options.datagrams ?? 80_000;
  const source = createNetflowUdpSource(
    { listen: [{ host: '127.0.0.1', port: 0 }] },
    { clock: systemClock, onOutput: () => {} },
  );
  const [bound] = await source.start();
  try {
    const child = spawn(process.execPath, [SENDER, String(bound!.port), String(rate), String(total)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`the replay sender exited with ${code}`);
    const { sent, ms } = JSON.parse(out) as { sent: number; ms: number };
    // Datagrams still in flight: wait until everything sent is accounted for, or 2 s of no change.
    let last = -1;
    let stable = 0;
    for (;;) {
      const c = source.counters();
      const seen = c.receivedPackets + (c.kernelDrops ?? 0);
      if (seen >= sent || stable >= 20) break;
      stable = seen === last ? stable + 1 : 0;
      last = seen;
      await new Promise((r) => setTimeout(r, 100));
    }
    await source.drain();
    const c = source.counters();
    return {
      sent,
      sendMs: ms,
      receivedPackets: c.receivedPackets,
      decodedFlows: c.decodedFlows,
      queueDrops: c.droppedPackets,
      kernelDrops: c.kernelDrops,
      uncounted: sent - c.receivedPackets - (c.kernelDrops ?? 0),
      offeredFlowsPerSecond: (sent * FLOWS_PER_DATAGRAM) / (ms / 1000),
      flowsPerSecond: c.decodedFlows / (ms / 1000),
    };
  } finally {
    await source.stop();
  }
}

// `node src/sources/netflow-replay-bench.ts [DATAGRAMS_PER_SECOND] [DATAGRAMS]`
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [rate, total] = process.argv.slice(2).map(Number);
  console.log(
    await benchNetflowReplay({ datagramsPerSecond: rate || undefined, datagrams: total || undefined }),
  );
}
