// Scale-out figures for `npm run bench` (and `node bench/scale-out.ts` alone): records/s per role
// on real servers started here (3-node nats-server JetStream cluster, PostgreSQL, ClickHouse):
// an ingest node publishing to JetStream and writing to ClickHouse, and the detect role with 1
// and 2 worker processes (`serve --role detect`), from the first publish to the last shard's
// acknowledgement. Baseline: the embedded detection pipeline over the same records in-process.
// During each detect run it also reads the CPU time of every process involved (the publishing
// bench process, each worker, the three NATS nodes) so the bottleneck shows, and counts the
// findings in PostgreSQL at the end: every run must find what the embedded pipeline finds.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { manualClock } from '../src/core/clock.ts';
import type { FlowBatch } from '../src/core/flow.ts';
import { busConfigSchema } from '../src/bus/config.ts';
import { connectBus, ensureStream, type Bus } from '../src/bus/connect.ts';
import { createBusPublisher } from '../src/bus/publisher.ts';
import { consumerName } from '../src/bus/shard-runner.ts';
import { createDetectionPipeline } from '../src/engine/pipeline.ts';
import { noAssets, noIntel } from '../src/engine/lookups.ts';
import { createMemoryFindingStore } from '../src/findings/memory-store.ts';
import { generateVpc, vpcHeader } from '../src/generate/vpc-generator.ts';
import { readVpcText } from '../src/generate/vpc-text.ts';
import { openClickHouseStore } from '../src/store/clickhouse/store.ts';
import { CLICKHOUSE_BINARY, startClickHouse } from '../test/servers/clickhouse.ts';
import { startWorkerProcess } from '../test/servers/detect-worker.ts';
import { NATS_BINARY, startNatsCluster } from '../test/servers/nats.ts';
import { POSTGRES_BINARY, startPostgres } from '../test/servers/postgres.ts';

export interface ScaleOutFigures {
  records: number;
  /** Records/s of the embedded pipeline (every detector, one process): the baseline. */
  embeddedDetect: number;
  /** Records/s published to JetStream by one ingest process, by records per message. */
  publish: Record<number, number>;
  /** Records/s appended and flushed to ClickHouse by one ingest process. */
  clickhouseAppend: number;
  /** Records/s through the detect role (publish start to last acknowledgement), by worker count. */
  detect: Record<number, number>;
  /** Shard restarts and releases logged by the workers during each detect run (0 = steady). */
  detectDisturbances: Record<number, number>;
  /** CPU seconds spent during each detect run, by worker count: per worker, NATS nodes, publisher. */
  detectCpu: Record<number, { workers: number[]; nats: number; publisher: number }>;
  /** PostgreSQL transactions committed in the findings database during each detect run. */
  detectCommits: Record<number, number>;
  /** Findings: the embedded pipeline's, and those in PostgreSQL after each detect run. */
  findings: { embedded: number; detect: Record<number, number> };
}

/** CPU seconds (user + system) a process has used, from /proc (0 when it cannot be read). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are the stat file's 14th and 15th fields, in clock ticks (100 a second).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
const selfCpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const SHARDS = 4;
const sum = (batches: readonly FlowBatch[]): number => batches.reduce((n, b) => n + b.length, 0);

async function allAcknowledged(bus: Bus): Promise<boolean> {
  const last = (await bus.jsm.streams.info(bus.config.stream)).state.last_seq;
  for (let s = 0; s < SHARDS; s++) {
    const info = await bus.jsm.consumers.info(bus.config.stream, consumerName(s)).catch(() => null);
    if ((info?.ack_floor.stream_seq ?? 0) < last) return false;
  }
  return true;
}

async function until(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Null when nats-server, postgres or clickhouse-server is not installed. */
export async function benchScaleOut(options: {
  root: string;
  hours: number;
}): Promise<ScaleOutFigures | null> {
  if (NATS_BINARY === null || POSTGRES_BINARY === null || CLICKHOUSE_BINARY === null) return null;
  const data = readVpcText(
    [vpcHeader(5), ...generateVpc({ seed: 3, hours: options.hours }).lines].join('\n'),
  );
  const records = sum(data.batches);
  const [nats, postgres, clickhouse] = await Promise.all([
    startNatsCluster(3),
    startPostgres(),
    startClickHouse(),
  ]);
  try {
    const t0 = performance.now();
    const embeddedStore = createMemoryFindingStore();
    const p = createDetectionPipeline({
      intel: noIntel,
      assets: noAssets,
      findingStore: embeddedStore,
      clock: manualClock(0),
    });
    for (const b of data.batches) await p.onFlows(b);
    await p.finish();
    const embeddedDetect = records / ((performance.now() - t0) / 1000);
    const embeddedFindings = (await embeddedStore.list()).length;

    const publish: Record<number, number> = {};
    for (const batchRecords of [10, 100, 1000]) {
      const bus = await connectBus(
        busConfigSchema.parse({
          servers: nats.servers,
          stream: `PUB_${batchRecords}`,
          subject: `pub.${batchRecords}`,
          batchRecords,
        }),
      );
      await ensureStream(bus);
      const publisher = createBusPublisher(bus);
      const t = performance.now();
      for (const b of data.batches) await publisher.onFlows(b);
      await publisher.flush();
      publish[batchRecords] = records / ((performance.now() - t) / 1000);
      await bus.jsm.streams.delete(bus.config.stream);
      await bus.close();
    }

    const store = await openClickHouseStore({ url: clickhouse.url, database: 'bench' });
    const tc = performance.now();
    for (const b of data.batches) await store.appendFlows(b);
    await store.flush();
    const clickhouseAppend = records / ((performance.now() - tc) / 1000);
    await store.close();

    const detect: Record<number, number> = {};
    const detectDisturbances: Record<number, number> = {};
    const detectCpu: ScaleOutFigures['detectCpu'] = {};
    const detectFindings: Record<number, number> = {};
    const detectCommits: Record<number, number> = {};
    for (const workers of [1, 2]) {
      const label = `detect${workers}`;
      const admin = new pg.Client({ connectionString: postgres.url });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${label}`);
      await admin.end();
      const config = busConfigSchema.parse({
        servers: nats.servers,
        stream: label.toUpperCase(),
        subject: `sakura.${label}`,
        shards: SHARDS,
        leaseMs: 10_000,
      });
      const bus = await connectBus(config);
      await ensureStream(bus);
      const postgresUrl = postgres.url.replace(/\/postgres$/, `/${label}`);
      const procs = Array.from({ length: workers }, (_, i) =>
        startWorkerProcess(options.root, {
          bus: { ...config, workerName: `${label}-${i}` },
          postgres: { url: postgresUrl },
        }),
      );
      try {
        await until(
          async () => procs.every((w) => w.held() === SHARDS / workers),
          60_000,
          'shards to settle',
        );
        const settledAt = procs.map((w) => w.lines.length);
        const publisher = createBusPublisher(bus);
        const cpu = (): { workers: number[]; nats: number; publisher: number } => ({
          workers: procs.map((w) => cpuSeconds(w.child.pid)),
          nats: nats.pids().reduce((n, pid) => n + cpuSeconds(pid), 0),
          publisher: selfCpu(),
        });
        const commits = async (): Promise<number> => {
          const c = new pg.Client({ connectionString: postgresUrl });
          await c.connect();
          const r = await c.query<{ n: string }>(
            'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()',
          );
          await c.end();
          return Number(r.rows[0]?.n ?? 0);
        };
        const commitsBefore = await commits();
        const before = cpu();
        const t = performance.now();
        for (const b of data.batches) await publisher.onFlows(b);
        await publisher.end();
        await until(() => allAcknowledged(bus), 600_000, 'the workers to acknowledge the stream');
        detect[workers] = records / ((performance.now() - t) / 1000);
        const after = cpu();
        // Statistics reach pg_stat_database within about half a second.
        await new Promise((r) => setTimeout(r, 1000));
        // Less the two transactions of the commits() query itself (one before, one now).
        detectCommits[workers] = (await commits()) - commitsBefore - 2;
        detectCpu[workers] = {
          workers: after.workers.map((c, i) => c - (before.workers[i] ?? 0)),
          nats: after.nats - before.nats,
          // The bench process also polls the consumers' state while it waits.
          publisher: after.publisher - before.publisher,
        };
        const disturbances = procs
          .flatMap((w, i) => w.lines.slice(settledAt[i]))
          .filter((l) => /released|failed|shard \d+: /.test(l));
        for (const l of disturbances) process.stderr.write(`bench: ${workers} workers: ${l}\n`);
        detectDisturbances[workers] = disturbances.length;
      } finally {
        for (const w of procs) await w.stop('SIGTERM');
        await bus.close();
      }
      const counter = new pg.Client({ connectionString: postgresUrl });
      await counter.connect();
      const counted = await counter.query<{ n: string }>('SELECT count(*) AS n FROM findings');
      await counter.end();
      detectFindings[workers] = Number(counted.rows[0]?.n ?? 0);
    }
    return {
      records,
      embeddedDetect,
      publish,
      clickhouseAppend,
      detect,
      detectDisturbances,
      detectCpu,
      detectCommits,
      findings: { embedded: embeddedFindings, detect: detectFindings },
    };
  } finally {
    await Promise.all([nats.stop(), postgres.stop(), clickhouse.stop()]);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const hours = Number(process.argv[2] ?? 2);
  process.stdout.write(`${JSON.stringify(await benchScaleOut({ root, hours }), null, 2)}\n`);
}
