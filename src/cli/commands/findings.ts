// `sakura-guard findings [--json] [--min-severity N] [--type GLOB]`, `findings show ID`,
// `findings archive ID...`.

import { systemClock } from '../../core/clock.ts';
import { EXIT_FINDINGS, EXIT_USAGE, UserError } from '../../core/errors.ts';
import { archiveFindings } from '../../findings/lifecycle.ts';
import { withFindingStore } from '../../findings/open.ts';
import { findingDetail, findingJson, findingLine, type FindingView } from '../../findings/render.ts';
import type { FindingQuery } from '../../findings/store.ts';
import { writeLine } from '../context.ts';
import { runningServer, type ServerClient } from '../server-client.ts';
import type { RegisterCommand } from './index.ts';

interface ListOptions {
  json?: boolean;
  minSeverity?: string;
  type?: string;
  status?: string;
}

function parseSeverity(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || n > 10) {
    throw new UserError(`--min-severity must be a number from 0 to 10, got '${text}'`, {
      hint: 'GuardDuty bands: low 1-3.9, medium 4-6.9, high 7-8.9, critical 9-10; e.g. --min-severity 4',
      exitCode: EXIT_USAGE,
    });
  }
  return n;
}

/** Every finding matching the query, a page of 1 000 at a time, from the running server. */
async function listThroughServer(
  server: ServerClient,
  q: FindingQuery,
  status: string,
): Promise<FindingView[]> {
  const out: FindingView[] = [];
  for (;;) {
    const params = new URLSearchParams({ status, limit: '1000', offset: String(out.length) });
    if (q.type !== undefined) params.set('type', q.type);
    if (q.minSeverity !== undefined) params.set('minSeverity', String(q.minSeverity));
    const page = await server.request<{ total: number; items: FindingView[] }>(
      'GET',
      `/api/v1/findings?${params.toString()}`,
    );
    out.push(...page.items);
    if (page.items.length === 0 || out.length >= page.total) return out;
  }
}

export const registerFindings: RegisterCommand = (program, ctx) => {
  const cmd = program
    .command('findings')
    .description('list findings (active ones unless --status says otherwise)')
    .option('--json', 'print a JSON array of finding objects')
    .option('--min-severity <n>', 'only findings at or above this severity (exit 1 when any)')
    .option('--type <glob>', 'only finding types matching the glob, e.g. "Recon:*"')
    .option('--status <status>', 'active, archived or all', 'active')
    .action(async (opts: ListOptions) => {
      const query: FindingQuery = {};
      if (opts.minSeverity !== undefined) query.minSeverity = parseSeverity(opts.minSeverity);
      if (opts.type !== undefined) query.type = opts.type;
      const status = opts.status ?? 'active';
      if (status === 'active' || status === 'archived') query.status = status;
      else if (status !== 'all') {
        throw new UserError(`unknown --status '${status}'`, {
          hint: 'use active, archived or all',
          exitCode: EXIT_USAGE,
        });
      }
      const server = runningServer(ctx.dataDir());
      const list = server
        ? await listThroughServer(server, query, status)
        : await withFindingStore(ctx.dataDir(), { readOnly: true }, (s) => s.list(query));
      if (opts.json) writeLine(ctx.stdout, JSON.stringify(list.map(findingJson), null, 2));
      else if (list.length === 0) writeLine(ctx.stdout, 'no findings');
      else for (const f of list) writeLine(ctx.stdout, findingLine(f));
      if (query.minSeverity !== undefined && list.length > 0) ctx.exitCode = EXIT_FINDINGS;
    });

  cmd
    .command('show')
    .description('show one finding with its evidence')
    .argument('<id>', 'finding id')
    .option('--json', 'print the finding as JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const server = runningServer(ctx.dataDir());
      const f = server
        ? await server.find<FindingView>(`/api/v1/findings/${encodeURIComponent(id)}`)
        : await withFindingStore(ctx.dataDir(), { readOnly: true }, (s) => s.get(id));
      if (!f)
        throw new UserError(`no finding with id ${id}`, {
          hint: 'list them with `sakura-guard findings --status all`',
        });
      ctx.stdout.write(opts.json ? `${JSON.stringify(findingJson(f), null, 2)}\n` : findingDetail(f));
    });

  cmd
    .command('archive')
    .description('archive findings (they are kept, and updated if the activity repeats)')
    .argument('<ids...>', 'finding ids')
    .action(async (ids: string[]) => {
      const server = runningServer(ctx.dataDir());
      const r = server
        ? await server.request<{ archived: string[]; unknown: string[] }>(
            'POST',
            '/api/v1/findings/archive',
            {
              ids,
            },
          )
        : await withFindingStore(ctx.dataDir(), { readOnly: false }, (s) =>
            archiveFindings(s, ids, systemClock),
          );
      for (const id of r.archived) writeLine(ctx.stdout, `archived ${id}`);
      if (r.unknown.length > 0) {
        throw new UserError(`no finding with id ${r.unknown.join(', ')}`, {
          hint: 'list them with `sakura-guard findings --status all`',
        });
      }
    });
};
