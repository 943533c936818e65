// Alerting inside `serve`: the alert router subscribed to the findings stage's announcements,
// its outbox in the server's DuckDB file, and a timer for digests and retries. A finding is
// handed to the router without waiting for delivery, so a slow or dead channel never holds up
// detection; the outbox keeps what could not be sent yet. Channels and routes added or removed
// through the API (alerts/overlay.ts) take effect at once: a new router takes over.

import type { DuckDBConnection } from '@duckdb/node-api';
import { createDuckDbOutbox } from '../alerts/duckdb-outbox.ts';
import type { AlertingConfig } from '../alerts/config.ts';
import { createAlertRouter, type AlertRouter } from '../alerts/router.ts';
import type { Clock } from '../core/clock.ts';
import { errorMessage } from '../core/errors.ts';
import { parseIp } from '../core/ip.ts';
import type { AssetLookup } from '../engine/lookups.ts';
import type { FindingEvents } from '../findings/events.ts';
import { AlertOverlay, mergeAlerting, type EffectiveAlerting } from '../alerts/overlay.ts';

export interface ServerAlerting {
  /** The router of the current configuration (a new one after each `reconfigure`). */
  readonly router: AlertRouter;
  /** The file's section with the channels and routes defined through the API (alerts/overlay.ts). */
  readonly effective: EffectiveAlerting;
  /** Applies a new configuration: a new router takes over; the outbox and what it holds stay. */
  reconfigure(next: EffectiveAlerting): Promise<void>;
  /** Delivers what is due now (tests call this instead of waiting for the timer). */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export interface ServerAlertingDeps {
  config: AlertingConfig;
  clock: Clock;
  events: FindingEvents;
  assets: AssetLookup;
  connect(): Promise<DuckDBConnection>;
  log(level: 'info' | 'error', message: string): void;
  /** DATA_DIR/secret.key: channels and routes defined through the API are read with it. */
  secretKey?: Buffer;
  /** Milliseconds between digest/retry turns (default 2 000). */
  tickMs?: number;
}

/** The running alerting of a server, found by its finding events (the API routes change it). */
const running = new WeakMap<FindingEvents, ServerAlerting>();
export const runningAlerting = (events: FindingEvents): ServerAlerting | null => running.get(events) ?? null;

/**
 * Starts alerting over the file's section and the API's channels and routes. With no channel at
 * all it stays idle (no delivery turns) until the API adds one.
 */
export async function startServerAlerting(deps: ServerAlertingDeps): Promise<ServerAlerting> {
  const conn = await deps.connect();
  const outbox = await createDuckDbOutbox(conn);
  const report = (e: unknown): void => deps.log('error', `alerting: ${errorMessage(e)}`);
  let effective = mergeAlerting(deps.config, []);
  if (deps.secretKey) {
    const overlay = await AlertOverlay.open(await deps.connect(), deps.secretKey);
    effective = mergeAlerting(deps.config, await overlay.list(), (e, reason) =>
      report(`the ${e.kind} ${e.name} defined through the API is left out: ${reason}`),
    );
  }
  const build = (config: AlertingConfig): AlertRouter =>
    createAlertRouter({
      config,
      outbox,
      clock: deps.clock,
      resourceTags: (f) => {
        if (f.resource.tags !== undefined) return f.resource.tags;
        const a = parseIp(f.resource.ip);
        return a ? (deps.assets.lookup(a.v4, a.v6, f.resource.id)?.tags ?? []) : [];
      },
    });
  let router = build(effective.config);
  let pending: Promise<unknown> = Promise.resolve();
  const unsubscribe = deps.events.subscribe((finding, outcome) => {
    if (effective.config.channels.length === 0) return;
    pending = router.onFinding(finding, outcome).catch(report);
  });
  let ticking: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    if (effective.config.channels.length > 0) ticking = router.tick().catch(report);
  }, deps.tickMs ?? 2000);
  timer.unref();
  const describe = (): string =>
    `alerting: ${effective.config.channels.length} channel(s), ${effective.config.routes.length} route(s)`;
  deps.log('info', describe());
  const alerting: ServerAlerting = {
    get router() {
      return router;
    },
    get effective() {
      return effective;
    },
    async reconfigure(next) {
      await pending;
      await ticking;
      const old = router;
      router = build(next.config);
      effective = next;
      await old.close();
      deps.log('info', `${describe()} (changed through the API)`);
    },
    async settle() {
      await pending;
      await router.tick().catch(report);
    },
    async stop() {
      running.delete(deps.events);
      unsubscribe();
      clearInterval(timer);
      await pending;
      await ticking;
      await router.close();
    },
  };
  running.set(deps.events, alerting);
  return alerting;
}
