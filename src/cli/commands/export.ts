// `sakura-guard export --parquet DIR`: the flows as date-partitioned Parquet (a local data lake).

import type { Command } from 'commander';
import { UserError } from '../../core/errors.ts';
import { openDuckDbStore } from '../../store/duckdb.ts';
import type { ExportResult } from '../../store/store.ts';
import { type CliContext, writeLine } from '../context.ts';
import { exportThroughServer } from '../export-through-server.ts';
import { runningServer } from '../server-client.ts';

export function parseTimeOption(name: string, text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(d.getTime())) {
    throw new UserError(`--${name} ${JSON.stringify(text)} is not a date or time`, {
      hint: `give an ISO 8601 date or time, e.g. --${name} 2026-11-20 or --${name} 2026-11-20T06:00:00Z`,
    });
  }
  return d;
}

export function registerExport(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description('write stored flows as Parquet, one file per UTC day (DIR/date=YYYY-MM-DD/flows.parquet)')
    .requiredOption('--parquet <dir>', 'directory to write the Parquet files into')
    .option('--from <time>', 'first time to export (inclusive, ISO 8601)')
    .option('--to <time>', 'end of the export (exclusive, ISO 8601)')
    .option('--json', 'print the written files as JSON')
    .action(async (opts: { parquet: string; from?: string; to?: string; json?: boolean }) => {
      const from = parseTimeOption('from', opts.from);
      const to = parseTimeOption('to', opts.to);
      if (from && to && from >= to) {
        throw new UserError('--from must be earlier than --to', { hint: 'swap the two times' });
      }
      const range = { ...(from ? { from } : {}), ...(to ? { to } : {}) };
      // While `serve` holds the store, the server writes each day's file and the command saves it.
      const server = runningServer(ctx.dataDir());
      let result: ExportResult;
      if (server) result = await exportThroughServer(server, opts.parquet, range);
      else {
        // The export writes files, so the store opens read-write (DuckDB's file writer needs it).
        const store = await openDuckDbStore(ctx.dataDir());
        try {
          result = await store.exportParquet(opts.parquet, range);
        } finally {
          await store.close();
        }
      }
      if (opts.json) {
        writeLine(ctx.stdout, JSON.stringify(result, null, 2));
        return;
      }
      for (const f of result.files)
        writeLine(ctx.stdout, `${f.path}  ${f.rows.toLocaleString('en-US')} rows`);
      writeLine(
        ctx.stdout,
        `exported ${result.rows.toLocaleString('en-US')} flows into ${result.files.length} file(s) under ${opts.parquet}`,
      );
    });
}
