// `sakura-guard serve` as a library: opens the data directory's store (one process owns it),
// builds the API, listens, and on close drains requests, flushes, checkpoints and releases the
// store. With no users yet it creates a bootstrap admin token (24 h) and hands it to the caller
// once; it is revoked when the first user is added.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Clock } from '../core/clock.ts';
import { EXIT_USAGE, UserError, errorMessage } from '../core/errors.ts';
import type { SakuraGuardConfig } from '../config/schema.ts';
import { bytesOnDisk } from '../store/duckdb.ts';
import type { FindingSql, ServerDeps } from '../api/route.ts';
import type { FindingStore } from '../findings/store.ts';
import type { FlowStore } from '../store/store.ts';
import { apiRoutes } from '../api/routes/index.ts';
import type { ApiRoute } from '../api/route.ts';
import { endStreams } from '../api/routes/stream.ts';
import { newSecret, secretDigest } from '../api/secrets.ts';
import { AuthStore, BOOTSTRAP_OWNER, BOOTSTRAP_TOKEN_PREFIX } from '../api/auth-store.ts';
import { buildApp } from './app.ts';
import { Metrics, type Gauge } from './metrics.ts';
import { openServerStore } from './open-store.ts';
import { loadOrCreateSecretKey } from './secret-key.ts';
import { startLiveInputs, type LiveInputs } from './live.ts';
import { createIngestSink } from './http-ingest.ts';
import { finishOpenUploads } from './upload.ts';
import { startServerAlerting, type ServerAlerting } from './alerting.ts';
import { type SakuraIntegration, startSakuraInServe } from '../sakura/integration.ts';
import { startReportSchedule } from '../report/schedule.ts';
import { createFindingEvents } from '../findings/events.ts';
import { loadAssets } from '../assets/load.ts';
import { reloadableAssetLookup } from '../assets/lookup.ts';
import { reloadableIntelLookup } from '../intel/reloadable.ts';
import { loadIntel } from '../intel/store.ts';
import { LOCAL_OWNER, removeServerFiles, writeServerFiles } from './discovery.ts';

const BOOTSTRAP_TTL_MS = 24 * 3_600_000;

export interface StartOptions {
  config: SakuraGuardConfig;
  dataDir: string;
  clock: Clock;
  version: string;
  /** Where JSON log lines go (default stdout); `false` for none. */
  logStream?: NodeJS.WritableStream | false;
  /** Receives the bootstrap token when the store has no users yet. */
  onBootstrapToken?(token: string, expiresAt: Date): void;
}

/**
 * What an API node (`serve --role api`, roles.ts) reads instead of the data directory's DuckDB
 * file: findings from PostgreSQL, flows from ClickHouse. Users, tokens, sessions and the audit
 * log stay in the node's own data directory.
 */
export interface ApiBackends {
  findings: FindingStore;
  findingSql: FindingSql;
  flows: FlowStore;
  /** Routes as the node serves them (roles.ts refuses those that need the DuckDB file). */
  routes: ApiRoute[];
}

export interface RunningServer {
  url: string;
  port: number;
  app: FastifyInstance;
  deps: ServerDeps;
  /** The live inputs (NetFlow UDP when enabled) and the detection pipeline over them. */
  live: LiveInputs;
  /** The alert router over the stored findings; null when no channel is configured. */
  alerting: ServerAlerting | null;
  /** Sakura Cloud sync and router polls, and responders; null when neither is configured. */
  sakura: SakuraIntegration | null;
  close(): Promise<void>;
}

function readTls(config: SakuraGuardConfig): { cert: Buffer; key: Buffer } | undefined {
  const { cert, key } = config.server.tls;
  if (cert === undefined || key === undefined) return undefined;
  try {
    return { cert: readFileSync(cert), key: readFileSync(key) };
  } catch (e) {
    throw new UserError(`cannot read the TLS certificate or key: ${errorMessage(e)}`, {
      hint: 'check server.tls.cert and server.tls.key (PEM files readable by this user)',
      exitCode: EXIT_USAGE,
      cause: e,
    });
  }
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const server = await start(options, null);
  const live = server.live;
  if (live === null) throw new Error('the embedded server started without its live inputs');
  return { ...server, live };
}

/** An API node: the API and the dashboard over `backends`, no live inputs, no detection, no alerting. */
export async function startApiServer(
  options: StartOptions,
  backends: ApiBackends,
): Promise<Omit<RunningServer, 'live' | 'alerting'>> {
  return start(options, backends);
}

async function start(
  options: StartOptions,
  backends: ApiBackends | null,
): Promise<Omit<RunningServer, 'live'> & { live: LiveInputs | null }> {
  const { config, dataDir, clock } = options;
  const https = readTls(config);
  const secretKey = loadOrCreateSecretKey(dataDir);
  const store = await openServerStore(dataDir, secretKey, clock);
  try {
    let liveRef: LiveInputs | null = null;
    let alertingRef: ServerAlerting | null = null;
    const findingSql: FindingSql = backends?.findingSql ?? store.flows.all.bind(store.flows);
    const metrics = new Metrics(async () => [
      ...(alertingRef ? alertGauges(alertingRef) : []),
      ...(await gauges(findingSql, store.flows.file)),
      ...(liveRef ? liveGauges(liveRef, clock.now()) : []),
    ]);
    let appRef: FastifyInstance | null = null;
    const findingEvents = createFindingEvents((e) =>
      appRef?.log.error(`finding listener: ${errorMessage(e)}`),
    );
    const deps: ServerDeps = {
      config,
      dataDir,
      clock,
      auth: store.auth,
      findings: backends?.findings ?? store.findings,
      findingSql,
      findingEvents,
      flows: backends?.flows ?? store.flows,
      queryConnection: store.queryConnection,
      connect: () => store.connect(),
      secretKey,
      tls: https !== undefined,
      metrics,
      ready: () => store.ping(),
      pendingTotp: new Map(),
    };
    const logger: FastifyServerOptions['logger'] =
      options.logStream === false
        ? false
        : {
            level: config.log.level,
            stream: options.logStream ?? process.stdout,
            redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
          };
    const built = await buildApp(deps, {
      routes: backends?.routes ?? apiRoutes(),
      version: options.version,
      logger,
      ...(https ? { https } : {}),
    });
    appRef = built;
    const app = built;
    if ((await store.auth.userCount()) === 0 && options.onBootstrapToken) {
      const token = newSecret('sgt');
      const now = clock.now();
      await store.auth.addToken(
        {
          id: `${BOOTSTRAP_TOKEN_PREFIX}${randomBytes(4).toString('hex')}`,
          name: 'bootstrap',
          owner: BOOTSTRAP_OWNER,
          role: 'admin',
          createdAt: now,
          expiresAt: now + BOOTSTRAP_TTL_MS,
          revokedAt: null,
        },
        secretDigest(token),
      );
      await store.auth.audit({
        actor: '-',
        action: 'bootstrap.token',
        target: null,
        ip: null,
        outcome: 'ok',
        detail: null,
      });
      options.onBootstrapToken(token, new Date(now + BOOTSTRAP_TTL_MS));
    }
    const log = (level: 'info' | 'error', message: string): void => built.log[level](message);
    // What has started, stopped in reverse order at shutdown or when a later part fails to start.
    const started: { stop(): Promise<void> }[] = [];
    const stopStarted = async (): Promise<void> => {
      for (const part of started.splice(0).reverse()) await part.stop();
    };
    let alerting: ServerAlerting | null = null;
    let live: LiveInputs | null = null;
    let sakura: SakuraIntegration | null = null;
    try {
      // An API node (startApiServer) runs none of these: no inputs, no detection, no alerting.
      if (backends === null) {
        // Reloaded after each Sakura Cloud sync, so findings name the servers it found.
        const assets = reloadableAssetLookup(await loadAssets(dataDir));
        const intel = reloadableIntelLookup(await loadIntel(dataDir));
        deps.reloadLookups = async () => {
          intel.replace(await loadIntel(dataDir));
          assets.replace(await loadAssets(dataDir));
        };
        alerting = await startServerAlerting({
          config: config.alerting,
          clock,
          events: findingEvents,
          assets,
          connect: () => store.connect(),
          log,
          secretKey,
        });
        if (alerting) started.push(alerting);
        alertingRef = alerting;
        live = await startLiveInputs({
          config,
          dataDir,
          clock,
          flows: store.flows,
          findings: store.findings,
          findingEvents,
          assets,
          intel,
          metrics,
          log,
        });
        started.push(live);
        liveRef = live;
        // Sakura Cloud sync and router polls, responders on findings (docs/sakura.md, docs/response.md).
        sakura = await startSakuraInServe({
          config,
          dataDir,
          clock,
          findingEvents,
          flows: store.flows,
          pipeline: live.pipeline,
          assets,
          intel,
          connect: () => store.connect(),
          log,
        });
        if (sakura) started.push(sakura);
        if (sakura?.responses) deps.responses = sakura.responses;
        if (sakura?.agentQueue) deps.agentCommands = sakura.agentQueue;
        if (sakura) deps.sakura = sakura;
        // Scheduled reports mailed through e-mail channels (docs/reports.md).
        if (config.reports.schedules.length > 0)
          started.push(
            startReportSchedule(config, {
              findings: store.findings,
              flows: store.flows,
              dataDir,
              clock,
              log: built.log,
            }),
          );
        deps.ingest = createIngestSink({
          config: config.inputs.http,
          flows: store.flows,
          pipeline: live.pipeline,
          dataDir,
          clock,
        });
      }
      await app.listen({ host: config.server.host, port: config.server.port }).catch((e: unknown) => {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
          throw new UserError(
            `cannot listen on ${config.server.host}:${config.server.port}: ${errorMessage(e)}`,
            {
              hint: 'another program uses the port, or it needs privileges; set server.port (or SAKURA_GUARD__SERVER__PORT)',
              exitCode: EXIT_USAGE,
              cause: e,
            },
          );
        }
        throw e;
      });
    } catch (e) {
      await stopStarted();
      throw e;
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.server.port;
    const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
    const url = `${https ? 'https' : 'http'}://${host}:${port}`;
    const localTokenId = await createLocalToken(store.auth, clock, dataDir, url, options.version);
    let closing: Promise<void> | null = null;
    return {
      url,
      port,
      app,
      deps,
      live,
      alerting,
      sakura,
      close: () =>
        (closing ??= (async () => {
          const timeout = config.server.shutdownTimeoutSeconds * 1000;
          const timer = setTimeout(() => app.server.closeAllConnections(), timeout);
          try {
            endStreams(deps); // event streams never end by themselves
            await app.close();
          } finally {
            clearTimeout(timer);
            removeServerFiles(dataDir);
            await store.auth.revokeToken(localTokenId);
            // Uploads a client left open: detection over them ends and their findings are stored.
            await finishOpenUploads(deps);
            await stopStarted();
            await store.close();
          }
        })()),
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** The admin token CLI commands on this machine use while the server holds the store (discovery.ts). */
async function createLocalToken(
  auth: AuthStore,
  clock: Clock,
  dataDir: string,
  url: string,
  version: string,
): Promise<string> {
  // A token left by a server that did not shut down cleanly is revoked first.
  for (const old of await auth.listTokens(LOCAL_OWNER))
    if (old.revokedAt === null) await auth.revokeToken(old.id);
  const token = newSecret('sgt');
  const now = clock.now();
  const id = `tok-local-${randomBytes(4).toString('hex')}`;
  await auth.addToken(
    {
      id,
      name: 'local CLI',
      owner: LOCAL_OWNER,
      role: 'admin',
      createdAt: now,
      expiresAt: now + 365 * 86_400_000,
      revokedAt: null,
    },
    secretDigest(token),
  );
  writeServerFiles(
    dataDir,
    { url, pid: process.pid, version, startedAt: new Date(now).toISOString() },
    token,
  );
  return id;
}

/** The alert router's counters: findings it was handed, messages delivered, failed attempts, dead letters. */
function alertGauges(alerting: ServerAlerting): Gauge[] {
  const c = alerting.router.counts;
  const counter = (name: string, help: string, value: number): Gauge => ({
    name,
    help,
    type: 'counter',
    values: [{ labels: {}, value }],
  });
  return [
    counter('sakura_guard_alert_findings_total', 'Findings handed to the alert router', c.findings),
    counter('sakura_guard_alert_deliveries_total', 'Alert messages delivered to a channel', c.delivered),
    counter('sakura_guard_alert_delivery_errors_total', 'Failed delivery attempts (retried later)', c.errors),
    counter('sakura_guard_alert_dead_letters_total', 'Alert messages given up on (dead letters)', c.dead),
  ];
}

function liveGauges(live: LiveInputs, nowMs: number): Gauge[] {
  const p = live.pipeline.stats();
  const out: Gauge[] = [
    {
      name: 'sakura_guard_detection_watermark_lag_seconds',
      help: 'Wall clock minus detection watermark (event time up to which windows are closed)',
      values: Number.isFinite(p.watermark) ? [{ labels: {}, value: nowMs / 1000 - p.watermark }] : [],
    },
    {
      name: 'sakura_guard_detector_state_entries',
      help: 'Entries each detector holds in its bounded state',
      values: Object.entries(p.state).map(([detector, v]) => ({ labels: { detector }, value: v })),
    },
    {
      name: 'sakura_guard_detection_late_records_total',
      help: 'Records that arrived behind the watermark (not detected on)',
      type: 'counter',
      values: [{ labels: {}, value: p.late }],
    },
  ];
  const n = live.netflowCounters();
  if (n) {
    const series = (name: string, help: string, value: number | null): Gauge => ({
      name,
      help,
      type: 'counter',
      values: value === null ? [] : [{ labels: { source: 'netflow' }, value }],
    });
    out.push(
      series('sakura_guard_input_datagrams_total', 'Datagrams received', n.receivedPackets),
      series(
        'sakura_guard_input_dropped_total',
        'Datagrams dropped because the decode queue was full',
        n.droppedPackets,
      ),
      series(
        'sakura_guard_input_kernel_drops_total',
        'Datagrams the kernel dropped (socket buffer full)',
        n.kernelDrops,
      ),
      series(
        'sakura_guard_input_sequence_gaps_total',
        'Exporter sequence gaps (lost export datagrams)',
        n.sequenceGaps,
      ),
    );
  }
  return out;
}

type All = (sql: string) => Promise<Record<string, unknown>[]>;

async function gauges(all: All, file: string): Promise<Gauge[]> {
  const rows = await all(
    `SELECT status, CASE WHEN severity >= 9 THEN 'critical' WHEN severity >= 7 THEN 'high'
            WHEN severity >= 4 THEN 'medium' ELSE 'low' END AS band, count(*) AS n
     FROM findings GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  return [
    {
      name: 'sakura_guard_findings',
      help: 'Stored findings by status and severity band',
      values: rows.map((r) => ({
        labels: { status: String(r['status']), severity: String(r['band']) },
        value: Number(r['n']),
      })),
    },
    {
      name: 'sakura_guard_store_bytes',
      help: 'Bytes the store occupies on disk (database file and WAL)',
      values: [{ labels: {}, value: bytesOnDisk(file) }],
    },
  ];
}
