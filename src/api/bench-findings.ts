// The API's findings list with many findings stored, for the project benchmark (issue 6: a
// page in under 100 ms with 100 000 stored): a real server in a temporary data directory, the
// findings written into its store's table, then pages fetched over HTTP on 127.0.0.1 with the
// dashboard's usual filters and sorts. Not a test: it times things.

import type { DuckDBConnection } from '@duckdb/node-api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../config/schema.ts';
import { systemClock } from '../core/clock.ts';
import { severityLabel, type Finding } from '../findings/finding.ts';
import { startServer } from '../server/serve.ts';

export interface FindingsPageBench {
  stored: number;
  /** Each query's median and worst wall time over the rounds, and its median CPU time (this process: server, DuckDB's threads and the client), in ms. */
  pages: { query: string; medianMs: number; maxMs: number; medianCpuMs: number; total: number }[];
  /** The worst median over the queries (wall time, and CPU time: steadier on a busy machine). */
  worstMedianMs: number;
  worstMedianCpuMs: number;
}

const TYPES = [
  'Recon:Host/Portscan',
  'Recon:Host/PortSweep',
  'UnauthorizedAccess:Host/SSHBruteForce',
  'UnauthorizedAccess:Host/RDPBruteForce',
  'Backdoor:Host/DenialOfService.Tcp',
  'CryptoCurrency:Host/BitcoinTool.B',
  'Trojan:Host/BlackholeTraffic',
  'Exfiltration:Host/LargeUpload',
];

export const BENCH_QUERIES = [
  '',
  'sort=lastSeen',
  'type=Recon:*',
  'minSeverity=7&sort=firstSeen&order=asc',
  'ip=10.0.3.7',
  'status=all&offset=50000',
];

/** The i-th synthetic finding (types, severities, addresses and times spread evenly). */
export function benchFinding(i: number): Finding {
  const severity = 1 + (i % 10);
  const t = Date.parse('2026-11-01T00:00:00Z') + i * 20_000;
  const iso = new Date(t).toISOString().replace('.000Z', 'Z');
  return {
    id: `bench-${i.toString(16).padStart(8, '0')}`,
    type: TYPES[i % TYPES.length] ?? 'Recon:Host/Portscan',
    severity,
    severityLabel: severityLabel(severity),
    title: `finding ${i}`,
    description: 'a benchmark finding',
    resource: { ip: `10.0.${(i >> 8) & 255}.${i & 255}`, name: null, id: null },
    actor: { ip: `198.51.${(i >> 4) & 255}.${i % 200}`, port: null },
    role: 'target',
    count: 1 + (i % 5),
    firstSeen: iso,
    lastSeen: iso,
    evidence: { threshold: 10, observed: 20, window: '5m', sample: [], query: 'SELECT 1' },
    status: i % 10 === 0 ? 'archived' : 'active',
    archivedBy: null,
    intelList: null,
    detector: 'bench',
    detail: {},
    windows: [t / 1000],
    createdAt: t,
    updatedAt: t,
  };
}

/**
 * Rows as the store writes them (duckdb-store.ts), through DuckDB's appender: putting 100 000
 * findings one by one takes minutes and is not what this measures.
 */
async function seed(conn: DuckDBConnection, stored: number): Promise<void> {
  const appender = await conn.createAppender('findings');
  for (let i = 0; i < stored; i++) {
    const f = benchFinding(i);
    for (const text of [f.id, f.type]) appender.appendVarchar(text);
    appender.appendDouble(f.severity);
    for (const text of [f.status, f.resource.ip, f.actor.ip, f.firstSeen, f.lastSeen, JSON.stringify(f)])
      appender.appendVarchar(text);
    appender.appendBigInt(BigInt(Date.parse(f.firstSeen)));
    appender.appendBigInt(BigInt(Date.parse(f.lastSeen)));
    appender.endRow();
  }
  appender.closeSync();
}

export async function benchFindingsPage(
  options: { stored?: number; rounds?: number } = {},
): Promise<FindingsPageBench> {
  const stored = options.stored ?? 100_000;
  const rounds = options.rounds ?? 21;
  const dir = mkdtempSync(join(tmpdir(), 'sg-bench-findings-'));
  const config = defaultConfig();
  config.server.port = 0;
  config.server.rateLimitPerMinute = 1_000_000;
  let token = '';
  const server = await startServer({
    config,
    dataDir: dir,
    clock: systemClock,
    version: 'bench',
    logStream: false,
    onBootstrapToken: (t) => {
      token = t;
    },
  });
  try {
    await seed(await server.deps.connect(), stored);
    const pages: FindingsPageBench['pages'] = [];
    for (const query of BENCH_QUERIES) {
      const times: number[] = [];
      const cpu: number[] = [];
      let total = 0;
      for (let r = 0; r < rounds + 1; r++) {
        const started = performance.now();
        const cpuStarted = process.cpuUsage();
        const res = await fetch(`${server.url}/api/v1/findings?limit=50&${query}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const body = (await res.json()) as { total: number; items: unknown[] };
        const ms = performance.now() - started;
        const used = process.cpuUsage(cpuStarted);
        if (res.status !== 200 || body.items.length === 0)
          throw new Error(`findings page ${query}: ${res.status}`);
        total = body.total;
        if (r > 0) {
          // the first is a warm-up
          times.push(ms);
          cpu.push((used.user + used.system) / 1000);
        }
      }
      times.sort((a, b) => a - b);
      cpu.sort((a, b) => a - b);
      pages.push({
        query: query || '(default: active, by severity)',
        medianMs: times[Math.floor(times.length / 2)] ?? 0,
        maxMs: times.at(-1) ?? 0,
        medianCpuMs: cpu[Math.floor(cpu.length / 2)] ?? 0,
        total,
      });
    }
    return {
      stored,
      pages,
      worstMedianMs: Math.max(...pages.map((p) => p.medianMs)),
      worstMedianCpuMs: Math.max(...pages.map((p) => p.medianCpuMs)),
    };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === import.meta.filename) {
  const r = await benchFindingsPage({ stored: Number(process.argv[2] ?? 100_000) });
  for (const p of r.pages)
    process.stdout.write(
      `${p.query.padEnd(44)} median ${p.medianMs.toFixed(1)} ms (CPU ${p.medianCpuMs.toFixed(1)} ms)  max ${p.maxMs.toFixed(1)} ms  total ${p.total}\n`,
    );
  process.stdout.write(
    `worst median: ${r.worstMedianMs.toFixed(1)} ms (CPU ${r.worstMedianCpuMs.toFixed(1)} ms) with ${r.stored} stored\n`,
  );
}
