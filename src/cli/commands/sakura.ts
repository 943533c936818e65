// `sakura-guard sakura sync|poll|audit`: the Sakura Cloud API by hand. sync writes the synced
// inventory (DATA_DIR/sakura-inventory.yaml) that findings name servers from; poll reads the
// VPC/VPN routers' recent firewall log lines once (each line stored once across polls); audit
// checks the live packet filters and router firewalls with the posture checks.

import { existsSync } from 'node:fs';
import { Option } from 'commander';
import { systemClock } from '../../core/clock.ts';
import { EXIT_FINDINGS, EXIT_STORE, UserError } from '../../core/errors.ts';
import { openQuarantine } from '../../core/quarantine.ts';
import { toJson } from '../../audit/output/json.ts';
import { toSarif } from '../../audit/output/sarif.ts';
import { toTable, worstSeverity } from '../../audit/output/table.ts';
import { SEVERITIES, type Severity, severityRank } from '../../audit/types.ts';
import { loadConfig } from '../../config/load.ts';
import { fetchSnapshot, syncInventory } from '../../sakura/inventory.ts';
import { pollLine, sakuraClientFrom, syncLines, type SakuraRunReport } from '../../sakura/integration.ts';
import { storeObserved } from '../../sakura/observed.ts';
import { auditSakuraApi, fetchPacketFilters } from '../../sakura/posture.ts';
import { listRouters, pollRouter, readRouterState, writeRouterState } from '../../sakura/router-poll.ts';
import { databasePath, openDuckDbStore } from '../../store/duckdb.ts';
import { type CliContext, writeLine } from '../context.ts';
import { runningServer } from '../server-client.ts';
import { VERSION } from '../main.ts';
import type { RegisterCommand } from './index.ts';

interface Common {
  config?: string;
  verbose?: boolean;
}

/**
 * While serve holds the data directory it runs the sync or poll itself (its credentials, its
 * store, detection on what is polled); true when it did and its lines were printed.
 */
async function throughServer(ctx: CliContext, what: 'sync' | 'poll'): Promise<boolean> {
  const server = runningServer(ctx.dataDir());
  if (server === null) return false;
  const r = await server.request<SakuraRunReport>('POST', `/api/v1/sakura/${what}`);
  if (!r.ok)
    throw new UserError(`the server's ${what} failed: ${r.lines.join('; ')}`, {
      hint: 'check the API key and zones in its configuration (docs/sakura.md); its log has the details',
      exitCode: EXIT_STORE,
    });
  writeLine(ctx.stdout, `${what} run by the server at ${server.url}:`);
  for (const line of r.lines) writeLine(ctx.stdout, line);
  return true;
}

function clientFor(opts: Common, ctx: CliContext): ReturnType<typeof sakuraClientFrom> {
  const config = loadConfig(opts.config, ctx.env);
  return sakuraClientFrom(config.sakura, ctx.env, opts.verbose ? (l) => writeLine(ctx.stderr, l) : undefined);
}

export const registerSakura: RegisterCommand = (program, ctx) => {
  const cmd = program
    .command('sakura')
    .description('Sakura Cloud API: inventory sync, router log polling, posture of the live filters');
  const common = (c: ReturnType<typeof cmd.command>): typeof c =>
    c
      .option('--config <file>', 'configuration file with a `sakura` section (zones, profile, API root)')
      .option('-v, --verbose', 'log every API request (never credentials) to standard error');

  common(cmd.command('sync'))
    .description('write the servers, routers and switches of every zone to DATA_DIR/sakura-inventory.yaml')
    .action(async (opts: Common) => {
      if (await throughServer(ctx, 'sync')) return;
      const client = clientFor(opts, ctx);
      const dataDir = ctx.dataDir();
      // Display-only private addresses are confirmed from stored flows when a store exists.
      const store = existsSync(databasePath(dataDir))
        ? await openDuckDbStore(dataDir, { readOnly: true })
        : null;
      try {
        const r = await syncInventory(
          client,
          dataDir,
          new Date(systemClock.now()).toISOString(),
          store ? storeObserved(store) : undefined,
        );
        const [first, ...rest] = syncLines(r);
        writeLine(ctx.stdout, first ?? '');
        for (const line of rest) writeLine(line.startsWith('skipped: ') ? ctx.stderr : ctx.stdout, line);
      } finally {
        await store?.close();
      }
    });

  common(cmd.command('poll'))
    .description(
      "read the VPC/VPN routers' recent firewall log lines and session analysis once; store what is new as events",
    )
    .option('--json', 'print the new events as JSON lines')
    .action(async (opts: Common & { json?: boolean }) => {
      if (!opts.json && (await throughServer(ctx, 'poll'))) return;
      const config = loadConfig(opts.config, ctx.env);
      const client = clientFor(opts, ctx);
      const dataDir = ctx.dataDir();
      const store = await openDuckDbStore(dataDir);
      const now = systemClock.now();
      const quarantine = openQuarantine(dataDir, now);
      try {
        const state = await readRouterState(dataDir);
        for (const router of await listRouters(client, config.sakura.routers)) {
          const r = await pollRouter(client, router, state, now);
          await store.appendEvents(r.output.events);
          quarantine.add(r.output.rejections);
          if (opts.json) for (const e of r.output.events) writeLine(ctx.stdout, JSON.stringify(e));
          else writeLine(ctx.stdout, pollLine(r));
        }
        await store.flush();
        await writeRouterState(dataDir, state);
      } finally {
        quarantine.close();
        await store.close();
      }
    });

  common(cmd.command('audit'))
    .description('audit the live packet filters and router firewalls with the posture checks')
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'json', 'sarif']).default('table'),
    )
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices([
        ...SEVERITIES,
      ]),
    )
    .action(async (opts: Common & { format: 'table' | 'json' | 'sarif'; failOn?: Severity }) => {
      const client = clientFor(opts, ctx);
      const snapshots = [];
      for (const zone of client.zones) snapshots.push(await fetchSnapshot(client, zone));
      const report = auditSakuraApi({ snapshots, packetFilters: await fetchPacketFilters(client) });
      ctx.stdout.write(
        opts.format === 'json'
          ? toJson(report)
          : opts.format === 'sarif'
            ? `${JSON.stringify(toSarif(report, VERSION), null, 2)}\n`
            : toTable(report),
      );
      const worst = worstSeverity(report);
      if (opts.failOn && worst && severityRank(worst) >= severityRank(opts.failOn))
        ctx.exitCode = EXIT_FINDINGS;
    });
};
