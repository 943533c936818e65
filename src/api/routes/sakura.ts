// `sakura sync` and `sakura poll` while `serve` holds the store: the server runs its own Sakura
// Cloud integration's sync or poll now (with its credentials, its store for observed addresses,
// and detection on the polled lines) and answers what it did, in the lines the CLI prints.

import { ApiError } from '../errors.ts';
import { defineRoute, need, type ApiRoute, type RouteContext } from '../route.ts';
import type { SakuraIntegration } from '../../sakura/integration.ts';

function integration(ctx: RouteContext<unknown, unknown>): SakuraIntegration {
  const s = ctx.deps.sakura;
  if (!s?.client)
    throw new ApiError(
      409,
      'the Sakura Cloud integration is not enabled on this server',
      'set sakura.enabled and the API key in its configuration (docs/sakura.md), or stop serve and run the command by hand',
    );
  return s;
}

export const sakuraRoutes: ApiRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/api/v1/sakura/sync',
    summary:
      'Synchronise the Sakura Cloud inventory now (what `sakura sync` does); the inventory is reloaded at once',
    access: need('sakura:run'),
    async handler(ctx) {
      const s = integration(ctx);
      await s.syncNow();
      await ctx.audit('sakura.sync', null, { ok: s.last.sync?.ok ?? false });
      return s.last.sync ?? { ok: false, lines: ['no sync ran'] };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/sakura/poll',
    summary:
      "Poll the VPC/VPN routers' status now (what `sakura poll` does): new log lines and session analysis stored and detected on",
    access: need('sakura:run'),
    async handler(ctx) {
      const s = integration(ctx);
      await s.pollNow();
      await ctx.audit('sakura.poll', null, { ok: s.last.poll?.ok ?? false });
      return s.last.poll ?? { ok: false, lines: ['no poll ran'] };
    },
  }),
];
