// `npm run soak`: the long reliability runs that do not belong in CI (docs/reliability.md).
//
//   npm run soak -- --kills 50            the crash harness with 50 SIGKILLs
//   npm run soak -- --minutes 30 [--rate 50000]
//       a real `serve` fed benign NetFlow v5 at the bench's sustainable rate (50 000 records/s,
//       30 per datagram, loopback) plus one HTTP ingest batch a second, its resident memory
//       sampled every 10 s; memory is "flat" when every sample after the first quarter (warm-up)
//       is within ±10 % of their median.

import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { v5Packet, type V5Flow } from '../src/parsers/netflow/encode.ts';
import { runCrashHarness } from '../src/server/crash-harness.ts';
import { freeUdpPort, startServeChild, writeServeConfig } from '../src/server/serve-child.ts';

const FLOWS_PER_DATAGRAM = 30;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function benign(n: number, seq: number, nowMs: number): V5Flow[] {
  return Array.from({ length: n }, (_, k) => {
    const x = (seq * 31 + k * 7) % 200;
    return {
      src: `10.1.0.${x % 50}`,
      dst: `10.2.0.${x % 20}`,
      packets: 12,
      bytes: 6000,
      firstMs: nowMs - 1000,
      lastMs: nowMs - 10,
      srcPort: 32768 + ((seq * 13 + k) % 28000),
      dstPort: [443, 5432, 6379, 8080][k % 4]!,
      tcpFlags: 0x1b,
      proto: 6,
    };
  });
}

async function soak(minutes: number, rate: number): Promise<boolean> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sg-soak-'));
  const dataDir = path.join(dir, 'data');
  const configFile = path.join(dir, 'sakura-guard.yaml');
  const port = await freeUdpPort();
  writeServeConfig(configFile, dataDir, port);
  const server = await startServeChild(dataDir, configFile, path.join(dir, 'serve.log'));
  const sock = createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  sock.setSendBufferSize(8 * 1024 * 1024);
  const samples: { minute: number; rssMiB: number }[] = [];
  let sent = 0;
  let seq = 0;
  let batches = 0;
  let received: number | undefined;
  let stop = false;
  const started = performance.now();
  const uptimeMs = 5_000_000;
  // Datagrams built once (flow times are relative to the exporter's uptime); each send patches
  // the header's clock and sequence, so the generator keeps up with the rate.
  const packets = Array.from({ length: 64 }, (_, i) =>
    v5Packet({ uptimeMs, unixSecs: 0, unixNsecs: 0, sequence: 0 }, benign(FLOWS_PER_DATAGRAM, i, uptimeMs)),
  );
  const load = (async () => {
    while (!stop) {
      const due = Math.floor(((performance.now() - started) / 1000) * rate) - sent;
      // At most a tenth of a second's worth per turn, so timers (samples, HTTP) still run.
      for (let left = Math.min(due, rate / 10); left >= FLOWS_PER_DATAGRAM; left -= FLOWS_PER_DATAGRAM) {
        const packet = packets[seq % packets.length]!;
        const now = Date.now();
        packet.writeUInt32BE(Math.floor(now / 1000), 8);
        packet.writeUInt32BE((now % 1000) * 1e6, 12);
        packet.writeUInt32BE(seq++ * FLOWS_PER_DATAGRAM, 16);
        await new Promise<void>((resolve) => sock.send(packet, port, '127.0.0.1', () => resolve()));
        sent += FLOWS_PER_DATAGRAM;
      }
      await sleep(10);
    }
  })();
  const http = (async () => {
    while (!stop) {
      const line = `Nov 23 12:00:00 web-1 sshd[9]: Invalid user soak${batches} from 203.0.113.70 port 4000`;
      await fetch(`${server.url}/api/v1/ingest?format=sshd`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}`, 'idempotency-key': `soak-${batches}` },
        body: JSON.stringify({ log: line }),
      }).then(
        (r) => r.arrayBuffer(),
        () => undefined,
      );
      batches++;
      await sleep(1000);
    }
  })();
  try {
    const end = started + minutes * 60_000;
    while (performance.now() < end) {
      await sleep(10_000);
      const minute = (performance.now() - started) / 60_000;
      samples.push({ minute, rssMiB: server.rssBytes() / 2 ** 20 });
      const last = samples[samples.length - 1]!;
      process.stdout.write(
        `${last.minute.toFixed(1)} min  rss ${last.rssMiB.toFixed(0)} MiB  sent ${sent} records (${(sent / ((performance.now() - started) / 1000)).toFixed(0)}/s)\n`,
      );
    }
    // What the server took in: every record sent should be counted (UDP drops show as less).
    const metrics = await (
      await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${server.token}` } })
    ).text();
    received = Number(/sakura_guard_records_in_total\{source="netflow"\} (\d+)/.exec(metrics)?.[1] ?? NaN);
  } finally {
    stop = true;
    await Promise.all([load, http]);
    sock.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const steady = samples.slice(Math.floor(samples.length / 4)).map((s) => s.rssMiB);
  const sorted = [...steady].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const lo = Math.min(...steady);
  const hi = Math.max(...steady);
  const flat = lo >= median * 0.9 && hi <= median * 1.1;
  const seconds = (performance.now() - started) / 1000;
  const result = {
    minutes,
    rate,
    achievedRate: Math.round(sent / seconds),
    sent,
    received,
    httpBatches: batches,
    rssMiB: { median: Math.round(median), min: Math.round(lo), max: Math.round(hi) },
    flatWithin10Percent: flat,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return flat;
}

const { values } = parseArgs({
  options: {
    kills: { type: 'string' },
    minutes: { type: 'string' },
    rate: { type: 'string', default: '50000' },
    seed: { type: 'string', default: '50' },
  },
});
if (values.kills !== undefined) {
  const r = await runCrashHarness({
    kills: Number(values.kills),
    seed: Number(values.seed),
    log: (l) => process.stdout.write(`${l}\n`),
  });
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  const ok = r.missing === 0 && r.duplicated === 0 && r.scansLost === 0 && r.findingsDuplicated === 0;
  process.exitCode = ok ? 0 : 1;
} else if (values.minutes !== undefined) {
  process.exitCode = (await soak(Number(values.minutes), Number(values.rate))) ? 0 : 1;
} else {
  process.stderr.write('usage: npm run soak -- --kills 50 | --minutes 30 [--rate 50000]\n');
  process.exitCode = 2;
}
