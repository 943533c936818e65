// Alerting inside `serve`: the alert router subscribed to the findings stage's announcements,
// its outbox in the server's DuckDB file, and a timer for digests and retries. A finding is
// handed to the router without waiting for delivery, so a slow or dead channel never holds up
// detection; the outbox keeps what could not be sent yet.

import type { DuckDBConnection } from '@duckdb/node-api';
import { createDuckDbOutbox } from '../alerts/duckdb-outbox.ts';
import type { AlertingConfig } from '../alerts/config.ts';
import { createAlertRouter, type AlertRouter } from '../alerts/router.ts';
import type { Clock } from '../core/clock.ts';
import { errorMessage } from '../core/errors.ts';
import { parseIp } from '../core/ip.ts';
import type { AssetLookup } from '../engine/lookups.ts';
import type { FindingEvents } from '../findings/events.ts';

export interface ServerAlerting {
  router: AlertRouter;
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
  /** Milliseconds between digest/retry turns (default 2 000). */
  tickMs?: number;
}

/** Starts alerting when at least one channel is configured; null otherwise. */
export async function startServerAlerting(deps: ServerAlertingDeps): Promise<ServerAlerting | null> {
  if (deps.config.channels.length === 0) return null;
  const outbox = await createDuckDbOutbox(await deps.connect());
  const router = createAlertRouter({
    config: deps.config,
    outbox,
    clock: deps.clock,
    resourceTags: (f) => {
      if (f.resource.tags !== undefined) return f.resource.tags;
      const a = parseIp(f.resource.ip);
      return a ? (deps.assets.lookup(a.v4, a.v6, f.resource.id)?.tags ?? []) : [];
    },
  });
  let pending: Promise<unknown> = Promise.resolve();
  const report = (e: unknown): void => deps.log('error', `alerting: ${errorMessage(e)}`);
  const unsubscribe = deps.events.subscribe((finding, outcome) => {
    pending = router.onFinding(finding, outcome).catch(report);
  });
  let ticking: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    ticking = router.tick().catch(report);
  }, deps.tickMs ?? 2000);
  timer.unref();
  deps.log(
    'info',
    `alerting: ${deps.config.channels.length} channel(s), ${deps.config.routes.length} route(s)`,
  );
  return {
    router,
    async settle() {
      await pending;
      await router.tick().catch(report);
    },
    async stop() {
      unsubscribe();
      clearInterval(timer);
      await pending;
      await ticking;
      await router.close();
    },
  };
}
