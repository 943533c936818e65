// Alerting for the settings page: the channels (secrets redacted) and routing rules in effect,
// the delivery log and dead letters from the outbox in the server's DuckDB file, re-queueing dead
// letters, and a test message to one channel. Channels and routes of sakura-guard.yaml are
// read-only here; admins add, replace and remove channels and routes of their own, stored
// encrypted in the server's DuckDB file (alerts/overlay.ts), and the running router is rebuilt at
// once. Secrets are write-only: never answered, never logged, not in the audit entry.

import { z } from 'zod';
import { channelSchema, routeSchema } from '../../alerts/config.ts';
import {
  AlertOverlay,
  mergeAlerting,
  routeName,
  type EffectiveAlerting,
  type OverlayEntry,
} from '../../alerts/overlay.ts';
import { runningAlerting } from '../../server/alerting.ts';
import { requeueDeadLetters } from '../../alerts/dead-letters.ts';
import { createDuckDbOutbox } from '../../alerts/duckdb-outbox.ts';
import type { Outbox } from '../../alerts/outbox.ts';
import { testMessage } from '../../cli/commands/alert.ts';
import { errorMessage } from '../../core/errors.ts';
import { createSink } from '../../sinks/index.ts';
import { ApiError, notFound } from '../errors.ts';
import { redactSecrets, scrubSecrets } from '../redact.ts';
import { defineRoute, need, type ApiRoute, type ServerDeps } from '../route.ts';

const outboxes = new WeakMap<ServerDeps, Promise<Outbox>>();

/** The outbox tables of this server's store (created if alerting has not run yet). */
function outboxOf(deps: ServerDeps): Promise<Outbox> {
  let o = outboxes.get(deps);
  if (!o) {
    o = deps.connect().then(createDuckDbOutbox);
    outboxes.set(deps, o);
  }
  return o;
}

const overlays = new WeakMap<ServerDeps, Promise<AlertOverlay>>();

function overlayOf(deps: ServerDeps): Promise<AlertOverlay> {
  let o = overlays.get(deps);
  if (!o) {
    o = deps.connect().then((c) => AlertOverlay.open(c, deps.secretKey));
    overlays.set(deps, o);
  }
  return o;
}

/** What is in effect: the running router's configuration, or the file's and the stored entries. */
async function effectiveOf(deps: ServerDeps): Promise<EffectiveAlerting> {
  const running = runningAlerting(deps.findingEvents);
  if (running) return running.effective;
  return mergeAlerting(deps.config.alerting, await (await overlayOf(deps)).list());
}

/** The stored entries with `change` applied, checked as a whole before anything is written. */
async function checkedChange(
  deps: ServerDeps,
  change: OverlayEntry | { kind: OverlayEntry['kind']; name: string; removed: true },
): Promise<EffectiveAlerting> {
  const stored = await (await overlayOf(deps)).list();
  const others = stored.filter((e) => !(e.kind === change.kind && e.name === change.name));
  const entries = 'removed' in change ? others : [...others, change];
  const problems: string[] = [];
  const next = mergeAlerting(deps.config.alerting, entries, (e, reason) =>
    problems.push(`${e.kind} ${e.name}: ${reason}`),
  );
  if (problems.length > 0)
    throw new ApiError(400, `the change would leave: ${problems.join('; ')}`, 'fix the routes first');
  return next;
}

async function apply(deps: ServerDeps, next: EffectiveAlerting): Promise<void> {
  await runningAlerting(deps.findingEvents)?.reconfigure(next);
}

/** Adds or replaces an API-defined channel or route: refused if the file defines it, checked whole, then live. */
async function putEntry(
  deps: ServerDeps,
  kind: OverlayEntry['kind'],
  body: { name: string },
  user: string,
): Promise<void> {
  refuseFileDefined(await effectiveOf(deps), kind, body.name);
  const entry: OverlayEntry = { kind, name: body.name, body, updatedAt: deps.clock.now(), updatedBy: user };
  const next = await checkedChange(deps, entry);
  await (await overlayOf(deps)).put(kind, body.name, body, entry.updatedAt, entry.updatedBy);
  await apply(deps, next);
}

/** Removes an API-defined channel or route (the caller has checked that it exists). */
async function removeEntry(deps: ServerDeps, kind: OverlayEntry['kind'], name: string): Promise<void> {
  const next = await checkedChange(deps, { kind, name, removed: true });
  await (await overlayOf(deps)).remove(kind, name);
  await apply(deps, next);
}

function refuseFileDefined(e: EffectiveAlerting, kind: 'channel' | 'route', name: string): void {
  const origin = (kind === 'channel' ? e.channels : e.routes).get(name);
  if (origin?.readOnly)
    throw new ApiError(
      409,
      `the ${kind} ${name} is defined in the configuration file and is read-only here`,
      `change it in sakura-guard.yaml, or use another name`,
    );
}

const iso = (ms: number): string => new Date(ms).toISOString();
const limit = z.coerce.number().int().min(1).max(1000).default(100);

export const alertRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/alerts/channels',
    summary:
      'Alert channels in effect, secrets redacted, with the routes that feed each and where each is defined',
    access: need('alerts:read'),
    async handler({ deps }) {
      const e = await effectiveOf(deps);
      const { channels, routes } = e.config;
      return {
        items: channels.map((c) => ({
          ...(redactSecrets(c) as Record<string, unknown>),
          ...(e.channels.get(c.name) ?? { source: 'config', readOnly: true }),
          routes: routes.flatMap((r, i) => (r.channels.includes(c.name) ? [routeName(r, i)] : [])),
        })),
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/alerts/routes',
    summary: 'Routing rules in effect: which findings go to which channels, and where each is defined',
    access: need('alerts:read'),
    async handler({ deps }) {
      const e = await effectiveOf(deps);
      return {
        items: e.config.routes.map((r, i) => ({
          ...r,
          name: routeName(r, i),
          ...(e.routes.get(routeName(r, i)) ?? { source: 'config', readOnly: true }),
        })),
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/alerts/channels',
    summary:
      'Add or replace an alert channel defined through the API (secrets are stored encrypted and never answered)',
    access: need('alerts:write'),
    body: channelSchema,
    status: 201,
    async handler({ deps, body, principal, audit }) {
      await putEntry(deps, 'channel', body, principal?.user ?? '-');
      await audit('alert.channel.put', body.name, { kind: body.kind });
      return {
        channel: { ...(redactSecrets(body) as Record<string, unknown>), source: 'api', readOnly: false },
      };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/v1/alerts/channels/:name',
    summary: 'Remove an alert channel defined through the API (refused while a route sends to it)',
    access: need('alerts:write'),
    async handler({ deps, params, audit }) {
      const name = params['name'] ?? '';
      const e = await effectiveOf(deps);
      refuseFileDefined(e, 'channel', name);
      if (!e.channels.has(name)) throw notFound(`alert channel ${name} defined through the API`);
      const feeding = e.config.routes.flatMap((r, i) => (r.channels.includes(name) ? [routeName(r, i)] : []));
      if (feeding.length > 0)
        throw new ApiError(
          409,
          `routes still send to the channel ${name}: ${feeding.join(', ')}`,
          'remove it from those routes first',
        );
      await removeEntry(deps, 'channel', name);
      await audit('alert.channel.remove', name);
      return { removed: name };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/alerts/routes',
    summary: 'Add or replace a routing rule defined through the API (its channels must exist)',
    access: need('alerts:write'),
    body: routeSchema.extend({ name: z.string().min(1).max(200) }),
    status: 201,
    async handler({ deps, body, principal, audit }) {
      await putEntry(deps, 'route', body, principal?.user ?? '-');
      await audit('alert.route.put', body.name, { channels: body.channels });
      return { route: { ...body, source: 'api', readOnly: false } };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/v1/alerts/routes/:name',
    summary: 'Remove a routing rule defined through the API',
    access: need('alerts:write'),
    async handler({ deps, params, audit }) {
      const name = params['name'] ?? '';
      const e = await effectiveOf(deps);
      refuseFileDefined(e, 'route', name);
      if (!e.routes.has(name)) throw notFound(`alert route ${name} defined through the API`);
      await removeEntry(deps, 'route', name);
      await audit('alert.route.remove', name);
      return { removed: name };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/alerts/deliveries',
    summary: 'Delivery attempts, newest first',
    access: need('alerts:read'),
    query: z.object({ channel: z.string().min(1).optional(), limit }),
    async handler({ deps, query }) {
      const outbox = await outboxOf(deps);
      // The log is read newest first up to the cap; a channel filter narrows that window.
      const all = await outbox.deliveries(query.channel === undefined ? query.limit : 1000);
      const items = all.filter((d) => query.channel === undefined || d.channel === query.channel);
      return { items: items.slice(0, query.limit).map((d) => ({ ...d, at: iso(d.at) })) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/alerts/dead-letters',
    summary: 'Messages that ran out of delivery attempts, newest first',
    access: need('alerts:read'),
    query: z.object({ channel: z.string().min(1).optional(), limit }),
    async handler({ deps, query }) {
      const outbox = await outboxOf(deps);
      const dead = await outbox.list({
        status: 'dead',
        limit: query.limit,
        ...(query.channel === undefined ? {} : { channel: query.channel }),
      });
      return {
        items: dead.map((e) => ({
          id: e.id,
          channel: e.channel,
          attempts: e.attempts,
          lastError: e.lastError,
          createdAt: iso(e.createdAt),
          updatedAt: iso(e.updatedAt),
          message: e.message,
        })),
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/alerts/dead-letters/requeue',
    summary: 'Queue dead letters again (all, one channel’s, or by id) after fixing the channel',
    access: need('alerts:write'),
    body: z
      .object({ channel: z.string().min(1).optional(), ids: z.array(z.string().min(1)).max(1000).optional() })
      .strict(),
    async handler({ deps, body }) {
      const requeued = await requeueDeadLetters(await outboxOf(deps), deps.clock, {
        ...(body.channel === undefined ? {} : { channel: body.channel }),
        ...(body.ids === undefined ? {} : { ids: body.ids }),
      });
      return { requeued };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/alerts/channels/:name/test',
    summary: 'Send a test alert straight to one channel (no routing, no outbox)',
    access: need('alerts:write'),
    body: z.object({ severity: z.number().min(1).max(10).default(7) }).strict(),
    async handler({ deps, params, body, audit }) {
      const { channels, links } = (await effectiveOf(deps)).config;
      const channel = channels.find((c) => c.name === params['name']);
      if (!channel) throw notFound(`alert channel ${params['name']}`);
      const now = deps.clock.now();
      const sink = createSink(channel, deps.clock);
      let error: string | null = null;
      try {
        await sink.send(testMessage(channel.name, now, body.severity, links.baseUrl), `test-${now}`);
      } catch (e) {
        error = scrubSecrets(errorMessage(e), channel);
      } finally {
        await sink.close();
      }
      await audit('alert.test', channel.name, { ok: error === null });
      return { ok: error === null, error };
    },
  }),
];
