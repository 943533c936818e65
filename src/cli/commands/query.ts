// `sakura-guard query "SQL or pipe query"`: read-only questions about the stored traffic.

import type { Command } from 'commander';
import { UserError } from '../../core/errors.ts';
import { compilePipeQuery, isPipeQuery, QueryError } from '../../query/index.ts';
import { DEFAULT_MAX_ROWS, runUserQuery } from '../../store/user-query.ts';
import { type CliContext, writeLine } from '../context.ts';
import { runningServer } from '../server-client.ts';
import { renderCsv, renderJson, renderTable } from '../table.ts';

export interface QueryOptions {
  json?: boolean;
  csv?: boolean;
  maxRows: string;
  timeout: string;
  showSql?: boolean;
}

function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    throw new UserError(`--${name} ${JSON.stringify(text)} is not a whole number`, {
      hint: `give --${name} a whole number, e.g. --${name} 1000`,
    });
  }
  return n;
}

/** Turns the user's text into SQL and parameters: SQL passes through, a pipe query compiles. */
export function toSql(text: string): {
  sql: string;
  params: (string | number | boolean | null)[];
  pipe: boolean;
} {
  if (!isPipeQuery(text)) return { sql: text, params: [], pipe: false };
  try {
    const compiled = compilePipeQuery(text);
    return { sql: compiled.sql, params: compiled.params, pipe: true };
  } catch (e) {
    if (e instanceof QueryError && e.hint === undefined) {
      throw new UserError(e.message, { hint: 'see docs/query.md for the pipe language', cause: e });
    }
    throw e; // a QueryError is a UserError with its own hint (near matches of a misspelt field)
  }
}

export function registerQuery(program: Command, ctx: CliContext): void {
  program
    .command('query')
    .description(
      'run a read-only query over the stored traffic: SQL over flows, vpc_flow_logs, flow_records, gaps and events, ' +
        'or a CloudWatch-Logs-Insights-style pipe query (fields | filter | stats ... by | sort | limit) over flows, ' +
        'or over log events after `source events`',
    )
    .argument('<query>', 'SQL (SELECT ...) or a pipe query (filter ... | stats ...)')
    .option('--json', 'print rows as a JSON array of objects')
    .option('--csv', 'print rows as CSV')
    .option('--max-rows <n>', 'return at most this many rows', String(DEFAULT_MAX_ROWS))
    .option('--timeout <ms>', 'stop the query after this many milliseconds (0 = none)', '60000')
    .option('--show-sql', 'print the SQL a pipe query compiles to (on stderr) before running it')
    .addHelpText(
      'after',
      `
Examples:
  sakura-guard query "SELECT dst_port, count(*) AS n FROM flows WHERE action = 'reject' GROUP BY 1 ORDER BY n DESC LIMIT 10"
  sakura-guard query 'stats sum(packets) as packetsTransferred by srcAddr, dstAddr | sort packetsTransferred desc | limit 15'
  sakura-guard query 'filter logStatus="SKIPDATA" | stats count(*) by bin(1h) as t | sort t'
  sakura-guard query 'source events | filter program = "sshd" and outcome = "failure" | stats count(*) as n by srcAddr | sort n desc'

Queries cannot change anything: the store is opened read-only, without file or network access.
Exit codes: 0 answered; 2 the query is invalid or not read-only; 4 the store could not be opened.`,
    )
    .action(async (text: string, opts: QueryOptions) => {
      if (opts.json && opts.csv)
        throw new UserError('--json and --csv exclude each other', { hint: 'pick one' });
      const maxRows = positiveInt('max-rows', opts.maxRows);
      const timeoutMs = positiveInt('timeout', opts.timeout);
      const q = toSql(text);
      if (opts.showSql && q.pipe) {
        writeLine(ctx.stderr, q.sql);
        if (q.params.length > 0) writeLine(ctx.stderr, `-- params: ${JSON.stringify(q.params)}`);
      }
      // While `serve` holds the store, the server runs the query in its own sandbox.
      const server = runningServer(ctx.dataDir());
      const result = server
        ? await server.request<Awaited<ReturnType<typeof runUserQuery>>>('POST', '/api/v1/query', {
            query: text,
            maxRows,
            ...(timeoutMs > 0 ? { timeoutMs } : {}),
          })
        : await runUserQuery(ctx.dataDir(), q.sql, q.params, { maxRows, timeoutMs });
      const rs = { columns: result.columns.map((c) => c.name), rows: result.rows };
      if (opts.json) ctx.stdout.write(renderJson(rs));
      else if (opts.csv) ctx.stdout.write(renderCsv(rs));
      else ctx.stdout.write(renderTable(rs));
      if (result.truncated) {
        writeLine(
          ctx.stderr,
          `note: only the first ${maxRows} rows are shown; raise --max-rows or add a limit`,
        );
      }
    });
}
