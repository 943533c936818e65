// `sakura-guard stats`: what the store holds.

import type { Command } from 'commander';
import { openDuckDbStore } from '../../store/duckdb.ts';
import { type CliContext, writeLine } from '../context.ts';
import { formatBytes, formatCount } from '../progress.ts';
import { renderTable } from '../table.ts';

export function registerStats(program: Command, ctx: CliContext): void {
  program
    .command('stats')
    .description('show what the store holds: flow rows, time span, coverage gaps, sources, size on disk')
    .option('--json', 'print the figures as JSON')
    .action(async (opts: { json?: boolean }) => {
      const store = await openDuckDbStore(ctx.dataDir(), { readOnly: true });
      try {
        const s = await store.stats();
        const bySource = await store.all(
          `SELECT coalesce(source, 'unknown') AS source, count(*) AS flows, min(time) AS first, max(time) AS last
           FROM flows GROUP BY 1 ORDER BY 2 DESC`,
        );
        const gaps = await store.all(`SELECT kind, count(*) AS n FROM gaps GROUP BY 1 ORDER BY 1`);
        if (opts.json) {
          writeLine(
            ctx.stdout,
            JSON.stringify(
              {
                dataDir: ctx.dataDir(),
                flows: s.flowRows,
                gaps: Object.fromEntries(gaps.map((g) => [String(g.kind), Number(g.n)])),
                firstTime: s.firstTime?.toISOString() ?? null,
                lastTime: s.lastTime?.toISOString() ?? null,
                bytesOnDisk: s.bytesOnDisk,
                sources: bySource.map((r) => ({ source: r.source, flows: Number(r.flows) })),
              },
              null,
              2,
            ),
          );
          return;
        }
        writeLine(ctx.stdout, `data directory  ${ctx.dataDir()}`);
        writeLine(ctx.stdout, `flows           ${s.flowRows.toLocaleString('en-US')}`);
        writeLine(
          ctx.stdout,
          `event time      ${s.firstTime ? `${s.firstTime.toISOString()} .. ${s.lastTime?.toISOString() ?? ''}` : '(no flows)'}`,
        );
        writeLine(
          ctx.stdout,
          `coverage gaps   ${gaps.length === 0 ? 'none' : gaps.map((g) => `${String(g.kind)} ${formatCount(Number(g.n))}`).join(', ')}`,
        );
        writeLine(ctx.stdout, `size on disk    ${formatBytes(s.bytesOnDisk)}`);
        if (bySource.length > 0) {
          writeLine(ctx.stdout);
          ctx.stdout.write(
            renderTable({
              columns: ['source', 'flows', 'first', 'last'],
              rows: bySource.map((r) => [r.source, Number(r.flows), r.first, r.last]),
            }),
          );
        }
      } finally {
        await store.close();
      }
    });
}
