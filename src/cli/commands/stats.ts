// `sakura-guard stats`: what the store holds.

import type { Command } from 'commander';
import { openDuckDbStore } from '../../store/duckdb.ts';
import { storeSummary, type StoreSummary } from '../../store/summary.ts';
import { type CliContext, writeLine } from '../context.ts';
import { formatBytes, formatCount } from '../progress.ts';
import { runningServer } from '../server-client.ts';
import { renderTable } from '../table.ts';

export function registerStats(program: Command, ctx: CliContext): void {
  program
    .command('stats')
    .description('show what the store holds: flow rows, time span, coverage gaps, sources, size on disk')
    .option('--json', 'print the figures as JSON')
    .action(async (opts: { json?: boolean }) => {
      // While `serve` holds the store, the server answers.
      const server = runningServer(ctx.dataDir());
      let summary: StoreSummary;
      if (server) summary = await server.request<StoreSummary>('GET', '/api/v1/stats/store');
      else {
        const store = await openDuckDbStore(ctx.dataDir(), { readOnly: true });
        try {
          summary = await storeSummary(store);
        } finally {
          await store.close();
        }
      }
      if (opts.json) {
        const { flows, gaps, firstTime, lastTime, bytesOnDisk, sources } = summary;
        writeLine(
          ctx.stdout,
          JSON.stringify(
            {
              dataDir: ctx.dataDir(),
              flows,
              gaps,
              firstTime,
              lastTime,
              bytesOnDisk,
              sources: sources.map((r) => ({ source: r.source, flows: r.flows })),
            },
            null,
            2,
          ),
        );
        return;
      }
      const gapList = Object.entries(summary.gaps);
      writeLine(ctx.stdout, `data directory  ${ctx.dataDir()}`);
      writeLine(ctx.stdout, `flows           ${summary.flows.toLocaleString('en-US')}`);
      writeLine(
        ctx.stdout,
        `event time      ${summary.firstTime ? `${summary.firstTime} .. ${summary.lastTime ?? ''}` : '(no flows)'}`,
      );
      writeLine(
        ctx.stdout,
        `coverage gaps   ${gapList.length === 0 ? 'none' : gapList.map(([k, n]) => `${k} ${formatCount(n)}`).join(', ')}`,
      );
      writeLine(ctx.stdout, `size on disk    ${formatBytes(summary.bytesOnDisk)}`);
      if (summary.sources.length > 0) {
        writeLine(ctx.stdout);
        ctx.stdout.write(
          renderTable({
            columns: ['source', 'flows', 'first', 'last'],
            rows: summary.sources.map((r) => [r.source, r.flows, r.first, r.last]),
          }),
        );
      }
    });
}
