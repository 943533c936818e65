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

/** POST /api/v1/sakura/<what>: runs it now, audits it, answers what it did. */
function runNow(what: 'sync' | 'poll', summary: string): ApiRoute {
  return defineRoute({
    method: 'POST',
    path: `/api/v1/sakura/${what}`,
    summary,
    access: need('sakura:run'),
    async handler(ctx) {
      const s = integration(ctx);
      await (what === 'sync' ? s.syncNow() : s.pollNow());
      const report = s.last[what] ?? { ok: false, lines: [`no ${what} ran`] };
      await ctx.audit(`sakura.${what}`, null, { ok: report.ok });
      return report;
    },
  });
}

export const sakuraRoutes: ApiRoute[] = [
  runNow(
    'sync',
    'Synchronise the Sakura Cloud inventory now (what `sakura sync` does); the inventory is reloaded at once',
  ),
  runNow(
    'poll',
    "Poll the VPC/VPN routers' status now (what `sakura poll` does): new log lines and session analysis stored and detected on",
  ),
];
