// Alerting for the settings page: the channels (secrets redacted) and routing rules of the
// configuration, the delivery log and dead letters from the outbox in the server's DuckDB file,
// re-queueing dead letters, and a test message to one channel. Channels and routes themselves
// are changed in sakura-guard.yaml, not here (docs/api.md says why).

import { z } from 'zod';
import { requeueDeadLetters } from '../../alerts/dead-letters.ts';
import { createDuckDbOutbox } from '../../alerts/duckdb-outbox.ts';
import type { Outbox } from '../../alerts/outbox.ts';
import { testMessage } from '../../cli/commands/alert.ts';
import { errorMessage } from '../../core/errors.ts';
import { createSink } from '../../sinks/index.ts';
import { notFound } from '../errors.ts';
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

const iso = (ms: number): string => new Date(ms).toISOString();
const limit = z.coerce.number().int().min(1).max(1000).default(100);

export const alertRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/alerts/channels',
    summary: 'Configured alert channels, secrets redacted, with the routes that feed each',
    access: need('alerts:read'),
    async handler({ deps }) {
      const { channels, routes } = deps.config.alerting;
      return {
        items: channels.map((c) => ({
          ...(redactSecrets(c) as Record<string, unknown>),
          routes: routes.flatMap((r, i) => (r.channels.includes(c.name) ? [r.name ?? `route ${i + 1}`] : [])),
        })),
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/alerts/routes',
    summary: 'Routing rules: which findings go to which channels',
    access: need('alerts:read'),
    async handler({ deps }) {
      return {
        items: deps.config.alerting.routes.map((r, i) => ({ ...r, name: r.name ?? `route ${i + 1}` })),
      };
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
      const { channels, links } = deps.config.alerting;
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
