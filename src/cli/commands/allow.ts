// `sakura-guard allow pair HOST REMOTE [--port N]` and `allow port HOST PORT`: mark traffic as
// expected. Each adds a suppression rule over the behaviour findings (src/behavior/allow.ts), so
// the stored findings it covers are archived now and new ones are not raised; `suppress list`
// shows the rules and `suppress remove ID` undoes one (its findings become active again).

import { systemClock } from '../../core/clock.ts';
import { EXIT_USAGE, UserError } from '../../core/errors.ts';
import { pairFilter, portFilter } from '../../behavior/allow.ts';
import { addSuppression, previewSuppression } from '../../findings/lifecycle.ts';
import { withFindingStore } from '../../findings/open.ts';
import { ruleLine } from '../../findings/render.ts';
import { describeFilter, validateFilter, type SuppressionFilter } from '../../findings/suppression.ts';
import { writeLine, type CliContext } from '../context.ts';
import type { RegisterCommand } from './index.ts';

function parsePort(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new UserError(`invalid port '${text}'`, {
      hint: 'give a port number from 0 to 65535',
      exitCode: EXIT_USAGE,
    });
  }
  return n;
}

async function apply(
  ctx: CliContext,
  raw: SuppressionFilter,
  opts: { reason?: string; preview?: boolean },
  what: string,
): Promise<void> {
  const filter = validateFilter(raw);
  if (opts.preview) {
    const n = await withFindingStore(ctx.dataDir(), { readOnly: true }, (s) => previewSuppression(s, filter));
    writeLine(ctx.stdout, `${n} active finding(s) match ${describeFilter(filter)}; nothing changed`);
    return;
  }
  const r = await withFindingStore(ctx.dataDir(), { readOnly: false }, (s) =>
    addSuppression(s, { filter, reason: opts.reason ?? `expected: ${what}`, expiresAt: null }, systemClock),
  );
  writeLine(ctx.stdout, `added ${ruleLine(r.rule)}`);
  writeLine(
    ctx.stdout,
    `archived ${r.archived} stored finding(s); undo with: sakura-guard suppress remove ${r.rule.id}`,
  );
}

export const registerAllow: RegisterCommand = (program, ctx) => {
  const cmd = program
    .command('allow')
    .description(
      'mark a pair or a host/port as expected: archives the behaviour findings it explains, now and later',
    );

  cmd
    .command('pair')
    .description('our HOST talking to REMOTE (optionally on one port) is expected')
    .argument('<host>', 'our host (IP or CIDR)')
    .argument('<remote>', 'the other side (IP or CIDR)')
    .option('--port <n>', 'only this port')
    .option('--reason <text>', 'why (shown by suppress list)')
    .option('--preview', 'count the active findings it would archive, change nothing')
    .action(
      async (host: string, remote: string, opts: { port?: string; reason?: string; preview?: boolean }) => {
        const port = opts.port === undefined ? undefined : parsePort(opts.port);
        await apply(
          ctx,
          pairFilter(host, remote, port),
          opts,
          `${host} <-> ${remote}${port === undefined ? '' : `:${port}`}`,
        );
      },
    );

  cmd
    .command('port')
    .description('our HOST using or serving PORT is expected')
    .argument('<host>', 'our host (IP or CIDR)')
    .argument('<port>', 'port number')
    .option('--reason <text>', 'why (shown by suppress list)')
    .option('--preview', 'count the active findings it would archive, change nothing')
    .action(async (host: string, port: string, opts: { reason?: string; preview?: boolean }) => {
      const p = parsePort(port);
      await apply(ctx, portFilter(host, p), opts, `${host} port ${p}`);
    });
};
