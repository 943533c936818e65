// `sakura-guard report [--from DAY] [--to DAY] [--format html|pdf|json] [--lang en|ja] [--out FILE]`:
// the security report of a period (by default the last 7 days) from the data directory.

import { writeFileSync } from 'node:fs';
import { systemClock } from '../../core/clock.ts';
import { EXIT_USAGE, UserError } from '../../core/errors.ts';
import { createDuckDbFindingStore } from '../../findings/duckdb-store.ts';
import { createMemoryFindingStore } from '../../findings/memory-store.ts';
import { gatherReport } from '../../report/gather.ts';
import { periodFromFlags } from '../../report/period.ts';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../../report/render.ts';
import { LANGUAGES, type Language } from '../../report/strings.ts';
import { openDuckDbStore } from '../../store/duckdb.ts';
import { writeLine } from '../context.ts';
import { runningServer } from '../server-client.ts';
import type { RegisterCommand } from './index.ts';

interface ReportOptions {
  from?: string;
  to?: string;
  format: string;
  lang: string;
  out?: string;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UserError(`unknown ${flag} '${value}'`, {
    hint: `use one of: ${allowed.join(', ')}`,
    exitCode: EXIT_USAGE,
  });
}

export const registerReport: RegisterCommand = (program, ctx) => {
  program
    .command('report')
    .description('write the security report of a period: findings, posture, coverage, compliance view')
    .option(
      '--from <day>',
      'start of the period: a UTC day (2026-11-16) or a time with offset (default: 7 days before --to)',
    )
    .option('--to <day>', 'end of the period; a day is included whole (default: now)')
    .option('--format <format>', 'html, pdf or json', 'html')
    .option('--lang <lang>', 'en or ja', 'en')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (opts: ReportOptions) => {
      const format = oneOf<ReportFormat>('--format', opts.format, REPORT_FORMATS);
      const lang = oneOf<Language>('--lang', opts.lang, LANGUAGES);
      const period = periodFromFlags(opts.from, opts.to, systemClock.now());
      if (format === 'pdf' && opts.out === undefined && ctx.stdout.isTTY === true) {
        throw new UserError('a PDF is not written to a terminal', {
          hint: 'pass --out report.pdf, or redirect standard output to a file',
          exitCode: EXIT_USAGE,
        });
      }
      const dataDir = ctx.dataDir();
      // While `serve` holds the store, it renders the report and the command writes the file.
      const server = runningServer(dataDir);
      if (server) {
        const params = new URLSearchParams({ format, lang });
        if (opts.from !== undefined) params.set('from', opts.from);
        if (opts.to !== undefined) params.set('to', opts.to);
        const r = await server.send('GET', `/api/v1/report?${params.toString()}`);
        const body = Buffer.from(await r.arrayBuffer());
        if (opts.out === undefined) {
          ctx.stdout.write(body);
          return;
        }
        writeFileSync(opts.out, body);
        const [from, to] = (r.headers.get('x-report-period') ?? '/').split('/');
        writeLine(
          ctx.stderr,
          `wrote ${opts.out} (${format}, ${lang}, ${r.headers.get('x-report-findings') ?? '?'} findings, ${from} – ${to}; rendered by ${server.url})`,
        );
        return;
      }
      const db = await openDuckDbStore(dataDir, { readOnly: true });
      let data;
      try {
        const r = await db.connection.runAndReadAll(
          "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('findings', 'suppressions')",
        );
        const findings =
          Number(r.getRows()[0]?.[0] ?? 0) === 2
            ? await createDuckDbFindingStore(db.connection, { create: false })
            : createMemoryFindingStore();
        data = await gatherReport({ findings, flows: db, dataDir, clock: systemClock }, period);
      } finally {
        await db.close();
      }
      const out = await renderReport(data, format, lang);
      if (opts.out === undefined) {
        ctx.stdout.write(out.body);
        return;
      }
      writeFileSync(opts.out, out.body);
      writeLine(
        ctx.stderr,
        `wrote ${opts.out} (${format}, ${lang}, ${data.findings.total} findings, ${data.period.from} – ${data.period.to})`,
      );
    });
};
