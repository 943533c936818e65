// `serve --role ingest|detect|api`: the scale-out roles of the one binary (`all`, the default, is
// the embedded server of serve.ts). Every role reads the same sakura-guard.yaml.
//  - ingest: the live inputs (NetFlow/IPFIX, syslog) write flows to ClickHouse and publish the
//    normalised records to JetStream; it runs no detector.
//  - detect: a detector worker holding some shards of the record stream, findings to PostgreSQL.
//  - api: not built yet (the API still reads the data directory's DuckDB file); refused.

import type { Clock } from '../core/clock.ts';
import { EXIT_USAGE, UserError } from '../core/errors.ts';
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
}

export interface RunningRole {
  describe(): string;
  /** Bound syslog UDP sockets of an ingest node (empty otherwise). */
  readonly syslog: readonly { address: string; port: number }[];
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
    describe: () =>
      `detect worker ${worker.name} on JetStream ${bus.config.stream} (${bus.config.shards} shards)`,
    async close() {
      await worker.close();
      await findingStore.close();
      await bus.close();
    },
  };
}

export async function startRole(o: RoleOptions): Promise<RunningRole> {
  switch (o.role) {
    case 'ingest':
      return startIngest(o);
    case 'detect':
      return startDetect(o);
    case 'api':
      throw new UserError('serve --role api is not available yet: the API reads the DuckDB data directory', {
        hint: 'run API nodes with `serve --role all` for now (see docs/deployment.md, "what was not built")',
        exitCode: EXIT_USAGE,
      });
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
