// Scale-out figures for `npm run bench` (and `node bench/scale-out.ts` alone): records/s per role
// on real servers started here (3-node nats-server JetStream cluster, PostgreSQL, ClickHouse):
// an ingest node publishing to JetStream and writing to ClickHouse, and the detect role with 1
// and 2 worker processes (`serve --role detect`), from the first publish to the last shard's
// acknowledgement. Baseline: the embedded detection pipeline over the same records in-process.

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
}

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
    const p = createDetectionPipeline({
      intel: noIntel,
      assets: noAssets,
      findingStore: createMemoryFindingStore(),
      clock: manualClock(0),
    });
    for (const b of data.batches) await p.onFlows(b);
    await p.finish();
    const embeddedDetect = records / ((performance.now() - t0) / 1000);

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
        const t = performance.now();
        for (const b of data.batches) await publisher.onFlows(b);
        await publisher.end();
        await until(() => allAcknowledged(bus), 600_000, 'the workers to acknowledge the stream');
        detect[workers] = records / ((performance.now() - t) / 1000);
        const disturbances = procs
          .flatMap((w, i) => w.lines.slice(settledAt[i]))
          .filter((l) => /released|failed|shard \d+: /.test(l));
        for (const l of disturbances) process.stderr.write(`bench: ${workers} workers: ${l}\n`);
        detectDisturbances[workers] = disturbances.length;
      } finally {
        for (const w of procs) await w.stop('SIGTERM');
        await bus.close();
      }
    }
    return { records, embeddedDetect, publish, clickhouseAppend, detect, detectDisturbances };
  } finally {
    await Promise.all([nats.stop(), postgres.stop(), clickhouse.stop()]);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const hours = Number(process.argv[2] ?? 2);
  process.stdout.write(`${JSON.stringify(await benchScaleOut({ root, hours }), null, 2)}\n`);
}
