// `sakura-guard respond list|approve|undo`: the response actions recorded in the data
// directory (dry-runs, refusals, pending approvals, applied and lifted blocks), approving a
// pending one and undoing an applied one. approve and undo act through the responders of the
// configuration's `respond` section, so they need the same --config as `serve`.

import { Option } from 'commander';
import { systemClock } from '../../core/clock.ts';
import { loadConfig } from '../../config/load.ts';
import { noAssets, noIntel } from '../../engine/lookups.ts';
import { createAgentCommandQueue } from '../../respond/agent-queue.ts';
import { createResponders } from '../../respond/index.ts';
import { createResponseService, type ResponseService } from '../../respond/service.ts';
import {
  ACTION_STATUSES,
  type ActionStatus,
  createResponseStore,
  type ResponseAction,
} from '../../respond/store.ts';
import { sakuraClientFrom } from '../../sakura/integration.ts';
import { openDuckDbStore } from '../../store/duckdb.ts';
import { type CliContext, writeLine } from '../context.ts';
import { runningServer } from '../server-client.ts';
import { renderTable } from '../table.ts';
import type { RegisterCommand } from './index.ts';

async function withService<T>(
  ctx: CliContext,
  configFile: string | undefined,
  fn: (svc: ResponseService, list: (s?: ActionStatus) => Promise<ResponseAction[]>) => Promise<T>,
): Promise<T> {
  const config = loadConfig(configFile, ctx.env);
  const store = await openDuckDbStore(ctx.dataDir());
  try {
    const actions = await createResponseStore(store.connection);
    const needsSakura = config.respond.responders.some((r) => r.kind === 'sakura-packet-filter');
    const svc = createResponseService({
      config: config.respond,
      responders: createResponders(config.respond.responders, {
        clock: systemClock,
        sakura: needsSakura ? sakuraClientFrom(config.sakura, ctx.env) : null,
        agentQueue: config.respond.responders.some((r) => r.kind === 'agent-nftables')
          ? await createAgentCommandQueue(store.connection)
          : null,
      }),
      store: actions,
      clock: systemClock,
      assets: noAssets,
      intel: noIntel,
    });
    return await fn(svc, (status) => actions.list(status ? { status, limit: 1000 } : { limit: 1000 }));
  } finally {
    await store.close();
  }
}

const who = (ctx: CliContext, by: string | undefined): string => by ?? `cli:${ctx.env.USER ?? 'unknown'}`;

function show(ctx: CliContext, a: ResponseAction): void {
  writeLine(ctx.stdout, `${a.id} ${a.status}: ${a.description}${a.error ? ` (${a.error})` : ''}`);
}

export const registerRespond: RegisterCommand = (program, ctx) => {
  const cmd = program.command('respond').description('automated response: list, approve and undo actions');
  cmd
    .command('list')
    .description('list recorded response actions, newest first')
    .option('--config <file>', 'configuration file (its respond section)')
    .addOption(new Option('--status <status>', 'only actions in this status').choices([...ACTION_STATUSES]))
    .option('--json', 'print the actions as JSON')
    .action(async (opts: { config?: string; status?: ActionStatus; json?: boolean }) => {
      const print = (actions: readonly ResponseAction[]): void => {
        if (opts.json) {
          writeLine(ctx.stdout, JSON.stringify(actions, null, 2));
          return;
        }
        if (actions.length === 0) {
          writeLine(ctx.stdout, 'no response actions');
          return;
        }
        ctx.stdout.write(
          renderTable({
            columns: ['id', 'status', 'ip', 'responder', 'policy', 'finding type', 'expires', 'description'],
            rows: actions.map((a) => [
              a.id,
              a.status,
              a.ip,
              a.responder,
              a.policy,
              a.findingType,
              new Date(a.expiresAt).toISOString(),
              a.error ? `${a.description} (${a.error})` : a.description,
            ]),
          }),
        );
      };
      // While `serve` holds the store, its API lists them.
      const server = runningServer(ctx.dataDir());
      if (server) {
        const q = new URLSearchParams({ limit: '1000', ...(opts.status ? { status: opts.status } : {}) });
        print(
          (await server.request<{ items: ResponseAction[] }>('GET', `/api/v1/responses?${q.toString()}`))
            .items,
        );
        return;
      }
      await withService(ctx, opts.config, async (_svc, list) => print(await list(opts.status)));
    });
  cmd
    .command('approve <id>')
    .description('approve a pending action: the responder acts now')
    .option('--config <file>', 'configuration file with the respond section serve uses')
    .option('--by <name>', 'who approves (recorded); default cli:$USER')
    .action(async (id: string, opts: { config?: string; by?: string }) => {
      // While `serve` holds the store, its API approves (recorded as the local CLI token's user).
      const server = runningServer(ctx.dataDir());
      if (server) {
        show(
          ctx,
          await server.request<ResponseAction>('POST', `/api/v1/responses/${encodeURIComponent(id)}/approve`),
        );
        return;
      }
      await withService(ctx, opts.config, async (svc) => show(ctx, await svc.approve(id, who(ctx, opts.by))));
    });
  cmd
    .command('undo <id>')
    .description('undo an applied action (lift the block) or withdraw a pending one')
    .option('--config <file>', 'configuration file with the respond section serve uses')
    .option('--by <name>', 'who undoes (recorded); default cli:$USER')
    .action(async (id: string, opts: { config?: string; by?: string }) => {
      const server = runningServer(ctx.dataDir());
      if (server) {
        show(
          ctx,
          await server.request<ResponseAction>('POST', `/api/v1/responses/${encodeURIComponent(id)}/undo`),
        );
        return;
      }
      await withService(ctx, opts.config, async (svc) => show(ctx, await svc.undo(id, who(ctx, opts.by))));
    });
};
