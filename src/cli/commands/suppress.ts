// `sakura-guard suppress add|list|remove`: suppression rules over finding fields, applied to
// stored findings at once (retroactively) and to new ones until they expire. `add --preview`
// only counts what the rule would hide.

import { systemClock } from '../../core/clock.ts';
import { EXIT_USAGE, UserError } from '../../core/errors.ts';
import { addSuppression, previewSuppression, removeSuppression } from '../../findings/lifecycle.ts';
import { withFindingStore } from '../../findings/open.ts';
import { ruleLine } from '../../findings/render.ts';
import {
  describeFilter,
  validateFilter,
  type SuppressionFilter,
  type SuppressionRule,
} from '../../findings/suppression.ts';
import { writeLine } from '../context.ts';
import { runningServer } from '../server-client.ts';
import type { RegisterCommand } from './index.ts';

interface AddOptions {
  type?: string;
  resource?: string;
  resourceName?: string;
  actor?: string;
  maxSeverity?: string;
  expires?: string;
  reason?: string;
  preview?: boolean;
}

/** "90m", "12h", "7d" from now, or an ISO date; milliseconds since the epoch. */
export function parseExpiry(text: string, nowMs: number): number {
  const m = /^(\d+)([mhd])$/.exec(text.trim());
  if (m) return nowMs + Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
  const t = Date.parse(text);
  if (Number.isNaN(t)) {
    throw new UserError(`cannot read --expires '${text}'`, {
      hint: 'use a duration such as 7d, 12h, 90m or an ISO date',
      exitCode: EXIT_USAGE,
    });
  }
  return t;
}

export const registerSuppress: RegisterCommand = (program, ctx) => {
  const cmd = program
    .command('suppress')
    .description('suppression rules: archive matching findings, now and later');

  cmd
    .command('add')
    .description('add a rule (at least one condition); --preview only counts what it would hide')
    .option('--type <glob>', 'finding type glob, e.g. "Recon:Host/*"')
    .option('--resource <ip|cidr>', 'our resource address or range')
    .option('--resource-name <glob>', 'asset name glob')
    .option('--actor <ip|cidr>', 'actor address or range')
    .option('--max-severity <n>', 'only findings at or below this severity')
    .option('--expires <when>', 'duration (7d, 12h, 90m) or ISO date; default never')
    .option('--reason <text>', 'why (shown in the list)')
    .option('--preview', 'count the active findings the rule would archive, change nothing')
    .action(async (opts: AddOptions) => {
      const raw: SuppressionFilter = {};
      if (opts.type !== undefined) raw.type = opts.type;
      if (opts.resource !== undefined) raw.resourceIp = opts.resource;
      if (opts.resourceName !== undefined) raw.resourceName = opts.resourceName;
      if (opts.actor !== undefined) raw.actorIp = opts.actor;
      if (opts.maxSeverity !== undefined) raw.maxSeverity = Number(opts.maxSeverity);
      const filter = validateFilter(raw);
      const server = runningServer(ctx.dataDir());
      if (opts.preview) {
        const n = server
          ? (
              await server.request<{ wouldArchive: number }>('POST', '/api/v1/suppressions/preview', {
                filter,
              })
            ).wouldArchive
          : await withFindingStore(ctx.dataDir(), { readOnly: true }, (s) => previewSuppression(s, filter));
        writeLine(
          ctx.stdout,
          `${n} active finding(s) match ${describeFilter(filter)}; nothing changed (drop --preview to add the rule)`,
        );
        return;
      }
      const now = systemClock.now();
      const expiresAt = opts.expires === undefined ? null : parseExpiry(opts.expires, now);
      const r = server
        ? await server.request<{ rule: SuppressionRule; archived: number }>('POST', '/api/v1/suppressions', {
            filter,
            reason: opts.reason ?? '',
            ...(expiresAt === null ? {} : { expiresInDays: (expiresAt - now) / 86_400_000 }),
          })
        : await withFindingStore(ctx.dataDir(), { readOnly: false }, (s) =>
            addSuppression(s, { filter, reason: opts.reason ?? '', expiresAt }, systemClock),
          );
      writeLine(ctx.stdout, `added ${ruleLine(r.rule)}`);
      writeLine(ctx.stdout, `archived ${r.archived} existing finding(s)`);
    });

  cmd
    .command('list')
    .description('list suppression rules')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const server = runningServer(ctx.dataDir());
      const rules = server
        ? (await server.request<{ items: SuppressionRule[] }>('GET', '/api/v1/suppressions')).items
        : await withFindingStore(ctx.dataDir(), { readOnly: true }, (s) => s.listRules());
      if (opts.json) writeLine(ctx.stdout, JSON.stringify(rules, null, 2));
      else if (rules.length === 0) writeLine(ctx.stdout, 'no suppression rules');
      else for (const r of rules) writeLine(ctx.stdout, ruleLine(r));
    });

  cmd
    .command('remove')
    .description('remove a rule and re-activate the findings it archived')
    .argument('<id>', 'rule id')
    .action(async (id: string) => {
      const server = runningServer(ctx.dataDir());
      const n = server
        ? (
            await server.request<{ restored: number }>(
              'DELETE',
              `/api/v1/suppressions/${encodeURIComponent(id)}`,
            )
          ).restored
        : await withFindingStore(ctx.dataDir(), { readOnly: false }, (s) =>
            removeSuppression(s, id, systemClock),
          );
      writeLine(ctx.stdout, `removed ${id}; ${n} finding(s) active again`);
    });
};
