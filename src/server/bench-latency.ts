// Live detection latency for `npm run bench`: a real `sakura-guard serve` process receives a
// steady NetFlow v5 load over loopback UDP while, every half second, a new outside address
// completes a port scan; the time from sending the completing record to the finding being
// listed by the API is measured for each attack. Baseline: the API's own round trip for the same
// list request, measured under the same load.

import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findRunningServer } from './discovery.ts';

export interface LatencyOptions {
  /** Repository root (where bin/sakura-guard.js is). */
  root: string;
  /** Benign records per second sent while attacks are measured. */
  rate: number;
  /** Attacks measured (one every `attackEveryMs`). */
  attacks: number;
  attackEveryMs?: number;
}

export interface LatencyResult {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  found: number;
  attacks: number;
  /** Median API round trip of the same list request under load. */
  apiRoundTripMs: number;
  recordsSent: number;
  recordsPerSecond: number;
}

const FLOWS_PER_DATAGRAM = 30;
const UPTIME_MS = 10_000_000;

function ip(t: string): number {
  return t.split('.').reduce((a, o) => a * 256 + Number(o), 0);
}

interface V5Flow {
  src: number;
  dst: number;
  sport: number;
  dport: number;
  flags: number;
  packets: number;
  bytes: number;
}

/**
 * The load generator's own v5 writer: parsers/netflow/encode.ts builds each field through a
 * BigInt, too slow to send 50 000 records/s from the process that also measures.
 */
function datagram(flows: readonly V5Flow[], unixMs: number, sequence: number): Buffer {
  const buf = Buffer.alloc(24 + 48 * flows.length);
  buf.writeUInt16BE(5, 0);
  buf.writeUInt16BE(flows.length, 2);
  buf.writeUInt32BE(UPTIME_MS, 4);
  buf.writeUInt32BE(Math.floor(unixMs / 1000), 8);
  buf.writeUInt32BE((unixMs % 1000) * 1e6, 12);
  buf.writeUInt32BE(sequence >>> 0, 16);
  flows.forEach((f, i) => {
    const o = 24 + 48 * i;
    buf.writeUInt32BE(f.src >>> 0, o);
    buf.writeUInt32BE(f.dst >>> 0, o + 4);
    buf.writeUInt32BE(f.packets, o + 16);
    buf.writeUInt32BE(f.bytes, o + 20);
    buf.writeUInt32BE(UPTIME_MS - 1000, o + 24);
    buf.writeUInt32BE(UPTIME_MS - 10, o + 28);
    buf.writeUInt16BE(f.sport, o + 32);
    buf.writeUInt16BE(f.dport, o + 34);
    buf[o + 37] = f.flags;
    buf[o + 38] = 6;
  });
  return buf;
}

/** Established, data-carrying flows between internal hosts: nothing a detector reports. */
function benign(n: number, seq: number): V5Flow[] {
  return Array.from({ length: n }, (_, k) => {
    const x = (seq * 31 + k * 7) % 200;
    return {
      src: ip('10.1.0.0') + (x % 50),
      dst: ip('10.2.0.0') + (x % 20),
      sport: 32768 + ((seq * 13 + k) % 28000),
      dport: [443, 5432, 6379, 8080][k % 4]!,
      flags: 0x1b,
      packets: 12,
      bytes: 6000,
    };
  });
}

function probes(attacker: number, target: number, ports: readonly number[]): V5Flow[] {
  return ports.map((p, i) => ({
    src: attacker,
    dst: target,
    sport: 45000 + i,
    dport: p,
    flags: 0x02,
    packets: 1,
    bytes: 44,
  }));
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForServer(
  dataDir: string,
  child: { exitCode: number | null },
): Promise<{ url: string; token: string }> {
  const end = Date.now() + 60_000;
  for (;;) {
    const s = findRunningServer(dataDir);
    if (s) return { url: s.url, token: s.token };
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}`);
    if (Date.now() > end) throw new Error('serve did not start within 60 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const send = (sock: Socket, buf: Buffer, port: number): Promise<void> =>
  new Promise((resolve, reject) => sock.send(buf, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function benchLiveLatency(o: LatencyOptions): Promise<LatencyResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sg-latency-'));
  const dataDir = path.join(dir, 'data');
  const netflowPort = await freeUdpPort();
  const configFile = path.join(dir, 'sakura-guard.yaml');
  writeFileSync(
    configFile,
    [
      `dataDir: ${dataDir}`,
      'server:',
      '  host: 127.0.0.1',
      '  port: 0',
      'log:',
      '  level: warn',
      'inputs:',
      '  netflow:',
      '    enabled: true',
      '    listen:',
      `      - { host: 127.0.0.1, port: ${netflowPort} }`,
      '',
    ].join('\n'),
  );
  const child = spawn(
    process.execPath,
    [path.join(o.root, 'bin/sakura-guard.js'), 'serve', '--config', configFile],
    {
      // Its stderr would show the bootstrap token; a failed start is reported by waitForServer.
      stdio: ['ignore', 'ignore', 'ignore'],
      env: { ...process.env, SAKURA_GUARD_DATA_DIR: dataDir },
    },
  );
  // The server must not outlive the benchmark, whatever ends it.
  const killChild = (): void => void child.kill('SIGKILL');
  process.once('exit', killChild);
  const sock = createSocket('udp4');
  try {
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
    sock.setSendBufferSize(8 * 1024 * 1024);
    const { url, token } = await waitForServer(dataDir, child);
    const headers = { authorization: `Bearer ${token}` };
    const listed = async (attacker: string): Promise<boolean> => {
      const r = await fetch(`${url}/api/v1/findings?status=all&ip=${attacker}`, { headers });
      const body = (await r.json()) as { total: number };
      return body.total > 0;
    };
    let seq = 0;
    let recordsSent = 0;
    let stop = false;
    const started = performance.now();
    // The steady load: every 10 ms, the records due since the start.
    const load = (async () => {
      while (!stop) {
        const due = Math.floor(((performance.now() - started) / 1000) * o.rate) - recordsSent;
        for (let left = due; left > 0; left -= FLOWS_PER_DATAGRAM) {
          const n = Math.min(FLOWS_PER_DATAGRAM, left);
          await send(sock, datagram(benign(n, seq), Date.now(), seq++), netflowPort);
          recordsSent += n;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    await new Promise((r) => setTimeout(r, 2000)); // warm-up under load
    const every = o.attackEveryMs ?? 500;
    const latencies: number[] = [];
    const waits: Promise<void>[] = [];
    const target = ip('10.3.0.10');
    for (let a = 0; a < o.attacks; a++) {
      const attacker = `198.18.${Math.floor(a / 250)}.${(a % 250) + 1}`;
      const ports = Array.from({ length: 15 }, (_, k) => 2000 + k);
      // 14 probes first, then the one that completes the scan (threshold 15 distinct ports).
      await send(
        sock,
        datagram(probes(ip(attacker), target, ports.slice(0, 14)), Date.now(), seq++),
        netflowPort,
      );
      await new Promise((r) => setTimeout(r, 20));
      const sentAt = performance.now();
      await send(
        sock,
        datagram(probes(ip(attacker), target, ports.slice(14)), Date.now(), seq++),
        netflowPort,
      );
      waits.push(
        (async () => {
          const deadline = sentAt + 10_000;
          while (performance.now() < deadline) {
            if (await listed(attacker)) {
              latencies.push(performance.now() - sentAt);
              return;
            }
            await new Promise((r) => setTimeout(r, 5));
          }
        })(),
      );
      await new Promise((r) => setTimeout(r, every));
    }
    await Promise.all(waits);
    // Baseline: the same request's round trip under the same load.
    const rtts: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      await listed('192.0.2.1');
      rtts.push(performance.now() - t);
    }
    stop = true;
    await load;
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((x, y) => x - y);
    rtts.sort((x, y) => x - y);
    return {
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies[latencies.length - 1] ?? NaN,
      found: latencies.length,
      attacks: o.attacks,
      apiRoundTripMs: percentile(rtts, 50),
      recordsSent,
      recordsPerSecond: recordsSent / seconds,
    };
  } finally {
    sock.close();
    process.removeListener('exit', killChild);
    child.kill('SIGTERM');
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run directly: node src/server/bench-latency.ts [rate] [attacks]
if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(import.meta.dirname, '../..');
  const r = await benchLiveLatency({
    root,
    rate: Number(process.argv[2] ?? 50_000),
    attacks: Number(process.argv[3] ?? 40),
  });
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
}
