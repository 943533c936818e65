// Scale-out end to end: the same VPC input through the embedded mode and through a 3-node
// JetStream cluster with 2 detector worker processes (`serve --role detect`) (findings in PostgreSQL, flows in
// ClickHouse) gives identical findings; killing a worker mid-stream changes nothing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { manualClock } from '../src/core/clock.ts';
import type { Finding } from '../src/findings/finding.ts';
import { createDetectionPipeline } from '../src/engine/pipeline.ts';
import { noAssets, noIntel } from '../src/engine/lookups.ts';
import { createMemoryFindingStore } from '../src/findings/memory-store.ts';
import { generateVpc, vpcHeader } from '../src/generate/vpc-generator.ts';
import { readVpcText, type ReadResult } from '../src/generate/vpc-text.ts';
import { busConfigSchema } from '../src/bus/config.ts';
import { connectBus, ensureStream, type Bus } from '../src/bus/connect.ts';
import { createBusPublisher } from '../src/bus/publisher.ts';
import { consumerName } from '../src/bus/shard-runner.ts';
import { openClickHouseStore } from '../src/store/clickhouse/store.ts';
import { createPostgresFindingStore } from '../src/state/postgres/finding-store.ts';
import { CLICKHOUSE_BINARY, startClickHouse, type ClickHouseServer } from './servers/clickhouse.ts';
import { NATS_BINARY, startNatsCluster, type NatsCluster } from './servers/nats.ts';
import { POSTGRES_BINARY, startPostgres, type PostgresServer } from './servers/postgres.ts';
import { missingBinaries } from './servers/process.ts';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/core/clock.ts';
import { defaultConfig } from '../src/config/schema.ts';
import { decodeMessage } from '../src/bus/codec.ts';
import { startRole } from '../src/server/roles.ts';
import { startWorkerProcess, type WorkerProcess } from './servers/detect-worker.ts';

const skip = missingBinaries({
  'nats-server': NATS_BINARY,
  'clickhouse-server': CLICKHOUSE_BINARY,
  'postgresql 15': POSTGRES_BINARY,
});
if (skip !== null) console.warn(`scale-out end-to-end test ${skip}`);

const SHARDS = 4;

function input(): ReadResult {
  const g = generateVpc({ seed: 11, hours: 1 });
  return readVpcText([vpcHeader(5), ...g.lines].join('\n'));
}

async function embeddedFindings(data: ReadResult): Promise<Finding[]> {
  const store = createMemoryFindingStore();
  const p = createDetectionPipeline({
    intel: noIntel,
    assets: noAssets,
    findingStore: store,
    clock: manualClock(0),
  });
  for (const b of data.batches) await p.onFlows(b);
  if (data.gaps.length > 0) p.onGaps(data.gaps);
  await p.finish();
  return store.list();
}

const byId = (a: Finding, b: Finding): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Findings without createdAt/updatedAt: wall-clock times of the process that wrote them. */
const comparable = (list: Finding[]): Omit<Finding, 'createdAt' | 'updatedAt'>[] =>
  [...list].sort(byId).map(({ createdAt: _c, updatedAt: _u, ...rest }) => rest);

async function until(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs = 60_000,
  context: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every shard's consumer has acknowledged the whole stream (acks follow the findings' flush). */
async function allAcknowledged(bus: Bus): Promise<boolean> {
  const last = (await bus.jsm.streams.info(bus.config.stream)).state.last_seq;
  for (let s = 0; s < SHARDS; s++) {
    try {
      const info = await bus.jsm.consumers.info(bus.config.stream, consumerName(s));
      if (info.ack_floor.stream_seq < last) return false;
    } catch {
      return false;
    }
  }
  return true;
}

describe.skipIf(skip !== null)('scale-out: embedded vs 3-node JetStream + 2 detector workers', () => {
  let nats: NatsCluster | null = null;
  let postgres: PostgresServer | null = null;
  let clickhouse: ClickHouseServer | null = null;
  let data: ReadResult | null = null;
  let expected: Finding[] = [];
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    [nats, postgres, clickhouse] = await Promise.all([
      startNatsCluster(3),
      startPostgres(),
      startClickHouse(),
    ]);
    data = input();
    expected = await embeddedFindings(data);
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) await w.stop('SIGKILL');
    await Promise.all([nats?.stop(), postgres?.stop(), clickhouse?.stop()]);
  });

  async function run(label: string, kill: boolean): Promise<Finding[]> {
    const admin = new pg.Client({ connectionString: postgres!.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${label}`);
    await admin.end();
    const postgresUrl = postgres!.url.replace(/\/postgres$/, `/${label}`);
    const config = busConfigSchema.parse({
      servers: nats!.servers,
      stream: `REC_${label}`,
      subject: `sakura.${label}`,
      shards: SHARDS,
      leaseMs: 3000,
    });
    const bus = await connectBus(config);
    await ensureStream(bus);
    const worker = (name: string): WorkerProcess =>
      startWorkerProcess(process.cwd(), {
        bus: { ...config, workerName: name },
        postgres: { url: postgresUrl },
      });
    const pair = [worker(`${label}-a`), worker(`${label}-b`)];
    workers.push(...pair);
    const logs = (): string => pair.map((w) => w.lines.join('\n')).join('\n---\n');
    await until(
      'both workers to hold 2 shards each',
      async () => pair.every((w) => w.held() === 2),
      60_000,
      logs,
    );

    // Ingest node: flows to ClickHouse, records to the bus, as `serve --role ingest` does.
    const flows = await openClickHouseStore({ url: clickhouse!.url, database: label });
    const publisher = createBusPublisher(bus);
    const batches = data!.batches;
    const half = Math.floor(batches.length / 2);
    for (const [i, b] of batches.entries()) {
      await flows.appendFlows(b);
      await publisher.onFlows(b);
      if (kill && i === half) {
        await publisher.flush();
        // Kill worker a once it has checkpointed part of the stream, while records keep coming.
        await until('worker a to checkpoint', async () => {
          const info = await bus.jsm.consumers.info(config.stream, consumerName(0)).catch(() => null);
          return (info?.ack_floor.stream_seq ?? 0) > 50;
        });
        await pair[0]!.stop('SIGKILL');
      }
    }
    if (data!.gaps.length > 0) {
      await flows.appendGaps(data!.gaps);
      await publisher.onGaps(data!.gaps);
    }
    await publisher.end();
    await flows.flush();
    const rows = batches.reduce((n, b) => n + b.length, 0);
    expect(await flows.all('SELECT count() AS n FROM flows')).toEqual([{ n: rows }]);
    await flows.close();

    await until('every shard to acknowledge the whole stream', () => allAcknowledged(bus), 90_000, logs);
    if (kill) expect(pair[1]!.held()).toBe(SHARDS);
    for (const w of pair) await w.stop('SIGTERM');
    await bus.close();
    const store = await createPostgresFindingStore({ url: postgresUrl });
    const found = await store.list();
    await store.close();
    return found;
  }

  it('finds exactly what the embedded mode finds', async () => {
    expect(expected.length).toBeGreaterThan(5);
    const found = await run('plain', false);
    expect(comparable(found)).toEqual(comparable(expected));
  }, 150_000);

  it('finds exactly the same when a worker is killed mid-stream', async () => {
    const found = await run('killed', true);
    expect(comparable(found)).toEqual(comparable(expected));
  }, 150_000);

  it('serve --role ingest: syslog LOG lines go to ClickHouse and, as records, to the stream', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-ingest-'));
    const config = defaultConfig();
    config.inputs.syslog.enabled = true;
    config.inputs.syslog.listen = [{ host: '127.0.0.1', port: 0 }];
    const bus = busConfigSchema.parse({
      servers: nats!.servers,
      stream: 'REC_ingest',
      subject: 'sakura.ingest',
    });
    const scaleOut = {
      ...config.scaleOut,
      bus,
      clickhouse: { ...config.scaleOut.clickhouse, url: clickhouse!.url, database: 'ingest_role' },
    };
    const role = await startRole({
      role: 'ingest',
      config,
      scaleOut,
      dataDir: dir,
      clock: systemClock,
      log: () => undefined,
    });
    const sock = createSocket('udp4');
    try {
      const port = role.syslog[0]?.port ?? 0;
      for (let i = 0; i < 20; i++) {
        const line = `<4>Nov 23 11:59:50 vm kernel: [ 1.0] NDR-DROP: IN=eth0 OUT= SRC=203.0.113.60 DST=10.0.0.7 LEN=44 PROTO=TCP SPT=${40000 + i} DPT=${2000 + i} SYN`;
        await new Promise<void>((resolve, reject) =>
          sock.send(Buffer.from(line), port, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
        );
      }
      const store = await openClickHouseStore({
        url: clickhouse!.url,
        database: 'ingest_role',
        readOnly: true,
      });
      await until('the flows in ClickHouse', async () => {
        const [row] = await store.all("SELECT count() AS n FROM flows WHERE source = 'iptables'");
        return row?.['n'] === 20;
      });
      const reader = await connectBus(bus);
      const published = async (): Promise<number> => {
        const info = await reader.jsm.streams.info(bus.stream);
        let n = 0;
        for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
          const stored = await reader.jsm.streams.getMessage(bus.stream, { seq });
          const m = stored === null ? null : decodeMessage(stored.data);
          if (m?.kind === 'records') n += m.flows?.length ?? 0;
        }
        return n;
      };
      await until('the records on the stream', async () => (await published()) === 20);
      await reader.close();
    } finally {
      sock.close();
      await role.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('serve --role ingest + detect + api: syslog drops found by the detect role, listed by the api role', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-roles-'));
    const admin = new pg.Client({ connectionString: postgres!.url });
    await admin.connect();
    await admin.query('CREATE DATABASE roles');
    await admin.end();
    const config = defaultConfig();
    config.inputs.syslog.enabled = true;
    config.inputs.syslog.listen = [{ host: '127.0.0.1', port: 0 }];
    config.server.host = '127.0.0.1';
    config.server.port = 0;
    const scaleOut = {
      bus: busConfigSchema.parse({ servers: nats!.servers, stream: 'REC_roles', subject: 'sakura.roles' }),
      clickhouse: { ...config.scaleOut.clickhouse, url: clickhouse!.url, database: 'roles' },
      postgres: { ...config.scaleOut.postgres, url: postgres!.url.replace(/\/postgres$/, '/roles') },
    };
    let token = '';
    const role = (name: 'ingest' | 'detect' | 'api', data: string) =>
      startRole({
        role: name,
        config,
        scaleOut,
        dataDir: join(dir, data),
        clock: systemClock,
        log: () => undefined,
        logStream: false,
        onBootstrapToken: (t) => (token = t),
      });
    const ingest = await role('ingest', 'ingest');
    const detect = await role('detect', 'detect');
    const api = await role('api', 'api');
    const sock = createSocket('udp4');
    const get = async (
      path: string,
      auth = true,
    ): Promise<{ status: number; body: Record<string, unknown> }> => {
      const r = await fetch(
        `${api.url}${path}`,
        auth ? { headers: { authorization: `Bearer ${token}` } } : {},
      );
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    try {
      expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(token).not.toBe('');
      // One outside address probing 300 ports of one host, dropped by the firewall (paced: UDP).
      const port = ingest.syslog[0]?.port ?? 0;
      for (let i = 0; i < 300; i++) {
        const line = `<4>Nov 23 11:59:50 vm kernel: [ 1.0] NDR-DROP: IN=eth0 OUT= SRC=203.0.113.61 DST=10.0.0.8 LEN=44 PROTO=TCP SPT=${40000 + i} DPT=${1000 + i} SYN`;
        await new Promise<void>((resolve, reject) =>
          sock.send(Buffer.from(line), port, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
        );
        if (i % 20 === 19) await new Promise((r) => setTimeout(r, 20));
      }
      // Detect nodes work in event time: a later line moves their watermark past the probe's windows.
      const later = `<4>Nov 23 13:30:00 vm kernel: [ 2.0] NDR-DROP: IN=eth0 OUT= SRC=198.51.100.9 DST=10.0.0.9 LEN=44 PROTO=TCP SPT=40000 DPT=22 SYN`;
      for (let i = 0; i < 5; i++)
        await new Promise<void>((resolve, reject) =>
          sock.send(Buffer.from(later), port, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
        );
      // Flows through the api role: what ClickHouse holds once the ingest role has written it.
      const direct = await openClickHouseStore({ url: clickhouse!.url, database: 'roles', readOnly: true });
      const stored = async (): Promise<number> =>
        Number((await direct.all('SELECT count() AS n FROM flows'))[0]?.['n'] ?? 0);
      let seen = -1;
      await until('the ingest role to write the flows', async () => {
        const n = await stored();
        const steady = n > 0 && n === seen;
        seen = n;
        if (!steady) await new Promise((r) => setTimeout(r, 1000));
        return steady;
      });
      await direct.close();
      expect(seen).toBeGreaterThan(200);
      const summary = await get('/api/v1/stats/store');
      expect(summary.status).toBe(200);
      expect(summary.body['flows']).toBe(seen);
      // Findings the detect role wrote to PostgreSQL, listed, filtered and shown by the api role.
      let items: { id: string; type: string; actor: { ip: string } }[] = [];
      await until('a finding through the api role', async () => {
        const { body } = await get('/api/v1/findings?ip=203.0.113.61&status=all');
        items = body['items'] as typeof items;
        return items.length > 0;
      });
      expect(items.map((f) => f.actor.ip)).toContain('203.0.113.61');
      const one = await get(`/api/v1/findings/${items[0]!.id}`);
      expect(one.status).toBe(200);
      expect(one.body['id']).toBe(items[0]!.id);
      expect((await get('/api/v1/findings?ip=192.0.2.200')).body['total']).toBe(0);
      // Authentication still applies; routes written for the DuckDB file refuse with a hint.
      expect((await get('/api/v1/findings', false)).status).toBe(401);
      const refused = await get('/api/v1/stats/top-talkers');
      expect(refused.status).toBe(501);
      expect(String(refused.body['hint'])).toMatch(/--role all/);
    } finally {
      sock.close();
      await api.close();
      await ingest.close();
      await detect.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
