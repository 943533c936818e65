// The crash harness (docs/reliability.md): a real `serve` process is fed continuously (sshd lines
// over HTTP ingest, each batch with an Idempotency-Key, by several concurrent senders; port scans
// over NetFlow) and killed with SIGKILL at random moments, then restarted. Senders retry every
// batch that was not answered 200 until it is, with the same key. At the end the server is
// stopped cleanly and the store opened directly: every line must be stored exactly once, every
// scan whose finding was seen before a kill must still have it, and no scan may have two
// findings. Used by crash.test.ts (a few kills, in CI) and scripts/soak.ts (50 kills).

import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRandom, type Random } from '../generate/random.ts';
import { v5SynProbes } from '../parsers/netflow/encode.ts';
import { openDuckDbStore } from '../store/duckdb.ts';
import { freeUdpPort, startServeChild, writeServeConfig, type ServeChild } from './serve-child.ts';

export interface CrashOptions {
  kills: number;
  seed: number;
  /** Concurrent HTTP senders. */
  senders?: number;
  /** Lines per batch. */
  batchLines?: number;
  /** How long the server runs between a start and its kill: uniform in [min, max] ms. */
  upMs?: [number, number];
  log?: (line: string) => void;
}

export interface CrashReport {
  kills: number;
  batches: number;
  lines: number;
  linesStored: number;
  /** Lines sent and answered 200 but not in the store. */
  missing: number;
  /** Lines stored more than once (extra copies). */
  duplicated: number;
  /** Retries answered from a recorded key (`Idempotent-Replayed`): batches committed before a kill whose answer was lost. */
  replayed: number;
  /** Requests that failed because the server was killed or down, later retried. */
  failedRequests: number;
  scansSeen: number;
  /** Scans whose finding was seen before a kill and is gone at the end. */
  scansLost: number;
  /** Scans with more than one finding of a type. */
  findingsDuplicated: number;
  /** Milliseconds from spawn to answering, per start. */
  startMs: number[];
}

interface Batch {
  key: string;
  body: string;
  lines: number;
}

const SCAN_TARGET = '10.0.0.9';
const scanner = (k: number): string => `198.18.${Math.floor(k / 250)}.${(k % 250) + 1}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Today's syslog time stamp ("Nov 23 17:30:05"), as sshd writes it. */
function syslogTime(ms: number): string {
  const d = new Date(ms);
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `${month} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
}

export async function runCrashHarness(o: CrashOptions): Promise<CrashReport> {
  const random: Random = createRandom(o.seed);
  const [minUp, maxUp] = o.upMs ?? [300, 1500];
  const batchLines = o.batchLines ?? 40;
  const log = o.log ?? (() => undefined);
  const dir = mkdtempSync(path.join(tmpdir(), 'sg-crash-'));
  const dataDir = path.join(dir, 'data');
  const configFile = path.join(dir, 'sakura-guard.yaml');
  const netflowPort = await freeUdpPort();
  writeServeConfig(configFile, dataDir, netflowPort);
  const sock: Socket = createSocket('udp4');
  const report: CrashReport = {
    kills: 0,
    batches: 0,
    lines: 0,
    linesStored: 0,
    missing: 0,
    duplicated: 0,
    replayed: 0,
    failedRequests: 0,
    scansSeen: 0,
    scansLost: 0,
    findingsDuplicated: 0,
    startMs: [],
  };
  let server: ServeChild | null = null;
  let feeding = true;
  /** Set when the harness fails: senders stop at once, acknowledged or not. */
  let aborted = false;
  let nextLine = 0;

  const start = async (): Promise<ServeChild> => {
    const t = Date.now();
    const s = await startServeChild(dataDir, configFile, path.join(dir, 'serve.log'));
    report.startMs.push(Date.now() - t);
    return s;
  };

  const newBatch = (sender: number): Batch => {
    const first = nextLine;
    nextLine += batchLines;
    const now = Date.now();
    const body = Array.from({ length: batchLines }, (_, i) => {
      const n = first + i;
      const line = `${syslogTime(now)} web-1 sshd[${1000 + sender}]: Invalid user u${n} from 203.0.113.50 port ${10_000 + (n % 50_000)}`;
      return JSON.stringify({ log: line });
    }).join('\n');
    report.batches++;
    report.lines += batchLines;
    return { key: `crash-${o.seed}-${first}`, body, lines: batchLines };
  };

  /** Sends until feeding stops, each batch retried with its key until answered 200. */
  const sender = async (id: number): Promise<void> => {
    let batch: Batch | null = null;
    while (!aborted && (feeding || batch !== null)) {
      batch ??= newBatch(id);
      const s = server;
      if (s === null) {
        await sleep(20);
        continue;
      }
      try {
        const r = await fetch(`${s.url}/api/v1/ingest?format=sshd`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${s.token}`,
            'content-type': 'application/x-ndjson',
            'idempotency-key': batch.key,
          },
          body: batch.body,
          signal: AbortSignal.timeout(20_000),
        });
        const text = await r.text();
        if (r.status === 200) {
          if (r.headers.get('idempotent-replayed') === 'true') report.replayed++;
          batch = null;
        } else if (r.status === 429 || r.status === 503) {
          await sleep(50);
        } else throw new Error(`ingest answered ${r.status}: ${text}`);
      } catch (e) {
        if (e instanceof Error && e.message.startsWith('ingest answered')) throw e;
        report.failedRequests++; // killed or down: retried with the same key
        await sleep(20);
      }
    }
  };

  const scansSeen: string[] = [];
  const findingSeen = async (s: ServeChild, ip: string): Promise<boolean> => {
    const r = await fetch(`${s.url}/api/v1/findings?status=all&ip=${ip}`, {
      headers: { authorization: `Bearer ${s.token}` },
    });
    return ((await r.json()) as { total?: number }).total! > 0;
  };
  /** A whole port scan in one datagram; true when its finding shows within 10 s. */
  const scan = async (s: ServeChild, k: number): Promise<void> => {
    const ports = Array.from({ length: 20 }, (_, i) => 3000 + i);
    const packet = v5SynProbes(scanner(k), SCAN_TARGET, ports, Date.now(), k + 1);
    await new Promise<void>((resolve, reject) =>
      sock.send(packet, netflowPort, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
    );
    for (let i = 0; i < 200; i++) {
      if (await findingSeen(s, scanner(k))) {
        scansSeen.push(scanner(k));
        return;
      }
      await sleep(50);
    }
  };

  const senders: Promise<void>[] = [];
  try {
    server = await start();
    for (let i = 0; i < (o.senders ?? 3); i++) senders.push(sender(i));
    for (let k = 0; k < o.kills; k++) {
      await scan(server, k);
      await sleep(random.int(minUp, maxUp));
      const victim: ServeChild = server;
      server = null;
      await victim.kill9();
      report.kills++;
      log(`kill ${k + 1}/${o.kills}: ${nextLine} lines sent, ${report.replayed} replayed answers`);
      server = await start();
    }
    feeding = false;
    await Promise.all(senders);
    const last: ServeChild = server;
    server = null;
    const code = await last.stop();
    if (code !== 0) throw new Error(`serve exited with ${code} at the clean stop`);
    await check(dataDir, report, scansSeen);
    report.scansSeen = scansSeen.length;
    return report;
  } finally {
    aborted = true;
    const s: ServeChild | null = server;
    if (s !== null) await s.kill9();
    await Promise.allSettled(senders);
    sock.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Opens the store directly and compares it with what was acknowledged. */
async function check(dataDir: string, report: CrashReport, scansSeen: readonly string[]): Promise<void> {
  const store = await openDuckDbStore(dataDir);
  try {
    const [lines] = await store.all(
      `SELECT count(*) AS n, count(DISTINCT "user") AS users FROM events WHERE "user" LIKE 'u%'`,
    );
    const stored = Number(lines?.['n'] ?? 0);
    const distinct = Number(lines?.['users'] ?? 0);
    report.linesStored = stored;
    report.duplicated = stored - distinct;
    report.missing = report.lines - distinct;
    const findings = await store.all(
      `SELECT actor_ip, type, count(*) AS n FROM findings WHERE actor_ip LIKE '198.18.%' GROUP BY ALL`,
    );
    report.findingsDuplicated = findings.reduce((n, r) => n + Math.max(0, Number(r['n']) - 1), 0);
    const found = new Set(findings.map((r) => String(r['actor_ip'])));
    report.scansLost = scansSeen.filter((ip) => !found.has(ip)).length;
  } finally {
    await store.close();
  }
}
