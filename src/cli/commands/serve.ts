// `sakura-guard serve [--config FILE]`: runs the API server over the data directory until SIGINT
// or SIGTERM, then drains requests, flushes, checkpoints and exits.

import path from 'node:path';
import { systemClock } from '../../core/clock.ts';
import { loadConfig } from '../../config/load.ts';
import { describeReload, reloadLiveRules } from '../../detectors/rules.ts';
import { resolveRulesPaths } from '../../rules/config.ts';
import { formatProblem } from '../../rules/load.ts';
import { startServer } from '../../server/serve.ts';
import { serveRole } from '../../server/roles.ts';
import { ROLES } from '../../server/scale-out-config.ts';
import { VERSION } from '../main.ts';
import { writeLine } from '../context.ts';
import type { RegisterCommand } from './index.ts';

export const registerServe: RegisterCommand = (program, ctx) => {
  program
    .command('serve')
    .description('run the API server (one process owns the data directory); stop with Ctrl-C / SIGTERM')
    .option('--config <file>', 'configuration file (sakura-guard.yaml); defaults apply without one')
    .option('--role <role>', `${ROLES.join(' | ')}: scale-out roles (docs/deployment.md)`, 'all')
    .action(async (opts: { config?: string; role: string }) => {
      const config = loadConfig(opts.config, ctx.env);
      const flag = program.opts<{ dataDir?: string }>().dataDir;
      const dataDir =
        flag === undefined && ctx.env.SAKURA_GUARD_DATA_DIR === undefined && opts.config !== undefined
          ? path.resolve(path.dirname(opts.config), config.dataDir)
          : ctx.dataDir();
      config.rules = resolveRulesPaths(
        config.rules,
        opts.config === undefined ? process.cwd() : path.dirname(path.resolve(opts.config)),
        dataDir,
      );
      if (opts.role !== 'all') {
        await serveRole(opts.role, config, dataDir, ctx.stderr, VERSION);
        return;
      }
      const server = await startServer({
        config,
        dataDir,
        clock: systemClock,
        version: VERSION,
        onBootstrapToken: (token, expiresAt) => {
          writeLine(
            ctx.stderr,
            'No users yet. A one-time admin token (shown only now) is valid until ' +
              expiresAt.toISOString() +
              ':',
          );
          writeLine(ctx.stderr, `  ${token}`);
          writeLine(
            ctx.stderr,
            'Create the first admin with it: POST /api/v1/users {"name","role":"admin","password"}; the token is revoked then.',
          );
        },
      });
      writeLine(ctx.stderr, `sakura-guard: serving ${dataDir} at ${server.url}`);
      // SIGHUP reloads the user-written rules (docs/rules.md) without a restart; the first load
      // is reported the same way, with the problems of any rule left out.
      const hup = (): void => {
        // Intel lists and the asset inventory too (`intel add|remove` signals a running server).
        void server.deps
          .reloadLookups?.()
          .catch((e: unknown) =>
            writeLine(ctx.stderr, `sakura-guard: reloading intel and assets failed: ${String(e)}`),
          );
        for (const r of reloadLiveRules()) {
          writeLine(ctx.stderr, `sakura-guard: ${describeReload(r)}`);
          for (const p of r.problems) writeLine(ctx.stderr, formatProblem(p));
        }
      };
      if (config.rules.directories.length > 0) hup();
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          process.off('SIGHUP', hup);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        process.on('SIGHUP', hup);
      });
      writeLine(ctx.stderr, 'sakura-guard: shutting down');
      await server.close();
    });
};
