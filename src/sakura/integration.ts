// The Sakura integration and the responders inside `serve`: an inventory sync every
// `sakura.syncMinutes`, a router status poll every `sakura.pollSeconds` (new log lines handed to
// `onEvents`, which stores them and shows them to detection), and the response service on every
// new or updated finding, with a sweep that lifts expired blocks. Each timer turn is serialised
// with itself and logs its failures; one failed turn never stops the next.

import type { DuckDBConnection } from '@duckdb/node-api';
import { loadAssets } from '../assets/load.ts';
import type { ReloadableAssetLookup } from '../assets/lookup.ts';
import type { Clock } from '../core/clock.ts';
import { errorMessage } from '../core/errors.ts';
import type { LogEvent, Rejection } from '../core/records.ts';
import type { AssetLookup, IntelLookup } from '../engine/lookups.ts';
import type { FindingEvents } from '../findings/events.ts';
import type { RespondConfig } from '../respond/config.ts';
import { type AgentCommandQueue, createAgentCommandQueue } from '../respond/agent-queue.ts';
import { createResponders } from '../respond/index.ts';
import { type ResponseService, createResponseService } from '../respond/service.ts';
import { createResponseStore } from '../respond/store.ts';
import { type SakuraClient, createSakuraClient } from './client.ts';
import type { SakuraConfig } from './config.ts';
import { globalNetworks, type ObservedAddresses, syncInventory } from './inventory.ts';
import {
  listRouters,
  pollRouter,
  readRouterState,
  type RouterPollResult,
  writeRouterState,
} from './router-poll.ts';
import { storeObserved } from './observed.ts';
import { resolveSakuraSettings } from './settings.ts';
import type { FlowStore } from '../store/store.ts';

export interface SakuraIntegrationDeps {
  config: { sakura: SakuraConfig; respond: RespondConfig };
  dataDir: string;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  /** Responders act on these findings' announcements; null leaves response off. */
  events: FindingEvents | null;
  connect(): Promise<DuckDBConnection>;
  assets: AssetLookup;
  intel: IntelLookup;
  /** Polled router log lines as events (store them, show them to detection). */
  onEvents?(events: LogEvent[], rejections: Rejection[]): Promise<void>;
  /** Confirms display-only addresses from stored flows (observed.ts). */
  observed?: ObservedAddresses;
  log(level: 'info' | 'error', message: string): void;
  /** Told after each inventory sync wrote its file, so detection names the new assets. */
  onSynced?(): Promise<void>;
  /** Milliseconds between response sweeps (default 10 000). */
  sweepMs?: number;
}

export interface SakuraIntegration {
  client: SakuraClient | null;
  responses: ResponseService | null;
  /** Block commands for host agents; null when no agent-nftables responder is configured. */
  agentQueue: AgentCommandQueue | null;
  syncNow(): Promise<void>;
  /** What the last sync and poll did (null before the first), as `sakura sync|poll` print it. */
  readonly last: { sync: SakuraRunReport | null; poll: SakuraRunReport | null };
  pollNow(): Promise<void>;
  sweepNow(): Promise<void>;
  stop(): Promise<void>;
}

export interface SakuraRunReport {
  ok: boolean;
  /** The lines `sakura sync|poll` print, or the error. */
  lines: string[];
}

/** What `sakura sync` prints for a sync. */
export function syncLines(r: Awaited<ReturnType<typeof syncInventory>>): string[] {
  const { report, file } = r;
  const lines = [
    `synced ${report.servers} servers, ${report.routers} routers, ${report.switches} switches from ${report.zones.join(', ')} into ${file} (${report.assets} assets; ${report.displayOnly} display-only private addresses, ${report.seen} seen in traffic)`,
    ...report.skipped.map((x) => `skipped: ${x}`),
  ];
  const nets = globalNetworks(r.snapshots);
  if (nets.length > 0)
    lines.push(
      `the servers' global networks: ${nets.join(', ')}; inventoried addresses already count as ours, list them in detection.scope.internalCidrs to cover servers created before the next sync`,
    );
  return lines;
}

/** What `sakura poll` prints for one router. */
export function pollLine(r: RouterPollResult): string {
  return `${r.router.name} (${r.router.zone}/${r.router.id}): ${r.output.events.length} new events, ${r.output.rejections.length} quarantined${r.gap ? ', lines may have been missed since the last poll' : ''}${r.sessionCount === null ? '' : `, ${r.sessionCount} sessions`}`;
}

/** Builds the Sakura API client from the configuration and the environment's credentials. */
export function sakuraClientFrom(
  config: SakuraConfig,
  env: NodeJS.ProcessEnv,
  log?: (line: string) => void,
): SakuraClient {
  return createSakuraClient({
    settings: resolveSakuraSettings(config, env),
    rateLimitPerSecond: config.rateLimitPerSecond,
    retryMax: config.retryMax,
    timeoutMs: config.timeoutMs,
    ...(log ? { log } : {}),
  });
}

/** Starts what the configuration asks for; null when neither the Sakura API nor response is on. */
export async function startSakuraIntegration(deps: SakuraIntegrationDeps): Promise<SakuraIntegration | null> {
  const { sakura, respond } = deps.config;
  const needsClient = sakura.enabled || respond.responders.some((r) => r.kind === 'sakura-packet-filter');
  const responding = respond.policies.length > 0 && deps.events !== null;
  if (!needsClient && !responding) return null;
  const client = needsClient ? sakuraClientFrom(sakura, deps.env, (l) => deps.log('info', l)) : null;
  let responses: ResponseService | null = null;
  let unsubscribe = (): void => {};
  const agentQueue =
    responding && respond.responders.some((r) => r.kind === 'agent-nftables')
      ? await createAgentCommandQueue(await deps.connect())
      : null;
  if (responding) {
    responses = createResponseService({
      config: respond,
      responders: createResponders(respond.responders, { clock: deps.clock, sakura: client, agentQueue }),
      store: await createResponseStore(await deps.connect()),
      clock: deps.clock,
      assets: deps.assets,
      intel: deps.intel,
      log: deps.log,
    });
    const svc = responses;
    unsubscribe =
      deps.events?.subscribe(async (finding, outcome) => {
        if (outcome === 'new' || outcome === 'updated') await svc.onFinding(finding);
      }) ?? unsubscribe;
  }
  const inFlight = new Set<Promise<void>>();
  // What the last sync and poll did, in the lines `sakura sync|poll` print (the API hands them out).
  const last: { sync: SakuraRunReport | null; poll: SakuraRunReport | null } = { sync: null, poll: null };
  const turn = (name: string, fn: () => Promise<void>): (() => Promise<void>) => {
    let running: Promise<void> = Promise.resolve();
    return () => {
      running = running.then(fn).catch((e: unknown) => {
        deps.log('error', `sakura ${name}: ${errorMessage(e)}`);
        if (name === 'sync' || name === 'poll') last[name] = { ok: false, lines: [errorMessage(e)] };
      });
      const p = running;
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      return p;
    };
  };
  const syncNow = turn('sync', async () => {
    if (!client) return;
    const r = await syncInventory(
      client,
      deps.dataDir,
      new Date(deps.clock.now()).toISOString(),
      deps.observed,
    );
    deps.log('info', `sakura sync: ${r.report.servers} servers, ${r.report.routers} routers -> ${r.file}`);
    await deps.onSynced?.();
    last.sync = { ok: true, lines: syncLines(r) };
  });
  const pollNow = turn('poll', async () => {
    if (!client) return;
    const state = await readRouterState(deps.dataDir);
    const lines: string[] = [];
    for (const router of await listRouters(client, sakura.routers)) {
      const r = await pollRouter(client, router, state, deps.clock.now());
      lines.push(pollLine(r));
      if (r.gap) deps.log('info', `sakura poll: ${router.name}: lines may have been missed between polls`);
      if (r.output.events.length + r.output.rejections.length > 0)
        await deps.onEvents?.(r.output.events, r.output.rejections);
    }
    await writeRouterState(deps.dataDir, state);
    last.poll = { ok: true, lines };
  });
  const sweepNow = turn('sweep', async () => {
    await responses?.sweep();
  });
  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, fn: () => Promise<void>): void => {
    const t = setInterval(() => void fn(), ms);
    t.unref();
    timers.push(t);
  };
  if (client && sakura.enabled) {
    void syncNow();
    every(sakura.syncMinutes * 60_000, syncNow);
    every(sakura.pollSeconds * 1000, pollNow);
  }
  if (responses) every(deps.sweepMs ?? 10_000, sweepNow);
  return {
    client,
    responses,
    agentQueue,
    syncNow,
    last,
    pollNow,
    sweepNow,
    async stop() {
      for (const t of timers) clearInterval(t);
      unsubscribe();
      await Promise.all([...inFlight]);
    },
  };
}

export interface ServeWiringDeps {
  config: { sakura: SakuraConfig; respond: RespondConfig };
  dataDir: string;
  clock: Clock;
  findingEvents: FindingEvents;
  flows: Pick<FlowStore, 'appendEvents' | 'all'>;
  pipeline: { onEvent(e: LogEvent): void | Promise<void> };
  connect(): Promise<DuckDBConnection>;
  log(level: 'info' | 'error', message: string): void;
  quarantine?(rejections: Rejection[]): void;
  /** The inventory detection and alerting use; reloaded after every sync. */
  assets: ReloadableAssetLookup;
  /** The intel lists detection uses (responders never act on trusted addresses). */
  intel: IntelLookup;
}

/** The one call `serve` makes: credentials from the process environment, the data directory's inventory and intel. */
export async function startSakuraInServe(deps: ServeWiringDeps): Promise<SakuraIntegration | null> {
  return startSakuraIntegration({
    config: deps.config,
    dataDir: deps.dataDir,
    clock: deps.clock,
    env: process.env,
    events: deps.findingEvents,
    connect: deps.connect,
    assets: deps.assets,
    intel: deps.intel,
    observed: storeObserved(deps.flows),
    async onEvents(events, rejections) {
      if (events.length > 0) await deps.flows.appendEvents(events);
      for (const e of events) await deps.pipeline.onEvent(e);
      if (rejections.length > 0) deps.quarantine?.(rejections);
    },
    async onSynced() {
      deps.assets.replace(await loadAssets(deps.dataDir));
    },
    log: deps.log,
  });
}
