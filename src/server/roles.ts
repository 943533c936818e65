// `serve --role ingest|detect|api`: the scale-out roles of the one binary (`all`, the default, is
// the embedded server of serve.ts). Every role reads the same sakura-guard.yaml.
//  - ingest: the live inputs (NetFlow/IPFIX, syslog) write flows to ClickHouse and publish the
//    normalised records to JetStream; it runs no detector.
//  - detect: a detector worker holding some shards of the record stream, findings to PostgreSQL.
//  - api: the API and the dashboard over PostgreSQL (findings) and ClickHouse (flows); no
//    listeners, no detection (api-role.ts).

import type { Clock } from '../core/clock.ts';
import { EXIT_USAGE, UserError } from '../core/errors.ts';
import { startApiNode } from './api-role.ts';
import type { SakuraGuardConfig } from '../config/schema.ts';
import { loadAssets } from '../assets/load.ts';
import { loadIntel } from '../intel/store.ts';
import { withRulesSection } from '../rules/config.ts';
import { detectors } from '../detectors/index.ts';
import { createMemoryFindingStore } from '../findings/memory-store.ts';
import { connectBus, ensureStream } from '../bus/connect.ts';
import { createBusPublisher } from '../bus/publisher.ts';
import { startDetectWorker } from '../bus/worker.ts';
import { createPostgresFindingStore } from '../state/postgres/finding-store.ts';
import { openClickHouseStore } from '../store/clickhouse/store.ts';
import { Metrics } from './metrics.ts';
import { startLiveInputs } from './live.ts';
import { teeFlowStore } from './tee-store.ts';
import { ROLES, type Role, type ScaleOutConfig } from './scale-out-config.ts';
import { systemClock } from '../core/clock.ts';

export interface RoleOptions {
  role: Exclude<Role, 'all'>;
  config: SakuraGuardConfig;
  scaleOut: ScaleOutConfig;
  dataDir: string;
  clock: Clock;
  log(message: string): void;
  /** The program's version (API nodes report it). */
  version?: string;
  /** API nodes: where request logs go (default stdout); `false` for none. */
  logStream?: NodeJS.WritableStream | false;
  /** API nodes: receives the bootstrap token when the node's data directory has no users yet. */
  onBootstrapToken?(token: string, expiresAt: Date): void;
}

export interface RunningRole {
  describe(): string;
  /** Bound syslog UDP sockets of an ingest node (empty otherwise). */
  readonly syslog: readonly { address: string; port: number }[];
  /** The API's URL on an api node (null otherwise). */
  readonly url: string | null;
  close(): Promise<void>;
}

async function startIngest(o: RoleOptions): Promise<RunningRole> {
  const bus = await connectBus(o.scaleOut.bus);
  await ensureStream(bus);
  const clickhouse = await openClickHouseStore(o.scaleOut.clickhouse);
  const publisher = createBusPublisher(bus);
  // The live inputs' own pipeline runs with every detector off: detect nodes do detection.
  const config: SakuraGuardConfig = {
    ...o.config,
    detection: { ...o.config.detection, disabled: detectors.map((d) => d.id) },
  };
  const live = await startLiveInputs({
    config,
    dataDir: o.dataDir,
    clock: o.clock,
    flows: teeFlowStore(clickhouse, publisher),
    findings: createMemoryFindingStore(),
    metrics: new Metrics(async () => []),
    log: (_level, message) => o.log(message),
  });
  return {
    syslog: live.syslog,
    url: null,
    describe: () =>
      `ingest: NetFlow ${live.netflow.map((s) => `${s.address}:${s.port}`).join(', ') || 'off'}, syslog ${live.syslog.map((s) => `${s.address}:${s.port}`).join(', ') || 'off'} -> ClickHouse ${o.scaleOut.clickhouse.database} + JetStream ${bus.config.stream}`,
    async close() {
      await live.stop();
      await publisher.flush();
      await clickhouse.close();
      await bus.close();
    },
  };
}

async function startDetect(o: RoleOptions): Promise<RunningRole> {
  const bus = await connectBus(o.scaleOut.bus);
  await ensureStream(bus);
  const findingStore = await createPostgresFindingStore(o.scaleOut.postgres);
  const worker = await startDetectWorker({
    bus,
    findingStore,
    detection: withRulesSection(o.config.detection, o.config.rules),
    intel: await loadIntel(o.dataDir),
    assets: await loadAssets(o.dataDir),
    clock: o.clock,
    log: o.log,
  });
  return {
    syslog: [],
    url: null,
    describe: () =>
      `detect worker ${worker.name} on JetStream ${bus.config.stream} (${bus.config.shards} shards)`,
    async close() {
      await worker.close();
      await findingStore.close();
      await bus.close();
    },
  };
}

async function startApi(o: RoleOptions): Promise<RunningRole> {
  const node = await startApiNode({
    config: o.config,
    scaleOut: o.scaleOut,
    dataDir: o.dataDir,
    clock: o.clock,
    version: o.version ?? 'unknown',
    ...(o.logStream === undefined ? {} : { logStream: o.logStream }),
    ...(o.onBootstrapToken ? { onBootstrapToken: o.onBootstrapToken } : {}),
  });
  return {
    syslog: [],
    url: node.url,
    describe: () =>
      `api at ${node.url}: findings from PostgreSQL, flows from ClickHouse ${o.scaleOut.clickhouse.database}`,
    close: () => node.close(),
  };
}

export async function startRole(o: RoleOptions): Promise<RunningRole> {
  switch (o.role) {
    case 'ingest':
      return startIngest(o);
    case 'detect':
      return startDetect(o);
    case 'api':
      return startApi(o);
    default: {
      const never: never = o.role;
      throw new Error(`unknown role ${String(never)}`);
    }
  }
}

/** `serve --role ROLE` (not `all`): starts the role and runs it until SIGINT or SIGTERM. */
export async function serveRole(
  role: string,
  config: SakuraGuardConfig,
  dataDir: string,
  stderr: NodeJS.WritableStream,
  version = 'unknown',
): Promise<void> {
  if (!(ROLES as readonly string[]).includes(role) || role === 'all') {
    throw new UserError(`unknown role "${role}"`, {
      hint: `serve --role takes one of ${ROLES.join(', ')}`,
      exitCode: EXIT_USAGE,
    });
  }
  const say = (message: string): void => {
    stderr.write(`sakura-guard: ${message}\n`);
  };
  const running = await startRole({
    role: role as Exclude<Role, 'all'>,
    config,
    scaleOut: config.scaleOut,
    dataDir,
    clock: systemClock,
    log: say,
    version,
    onBootstrapToken: (token, expiresAt) => {
      say(`no users on this API node yet; a one-time admin token valid until ${expiresAt.toISOString()}:`);
      stderr.write(`  ${token}\n`);
      say('create the first admin with it: POST /api/v1/users {"name","role":"admin","password"}');
    },
  });
  say(running.describe());
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  say('shutting down');
  await running.close();
}
