// Flows out of a running server: the UTC days that hold flows in a range, and the flows of a
// range streamed as NDJSON or CSV. `sakura-guard export --parquet DIR` uses both while `serve`
// holds the store and writes the Parquet files on its side (cli/export-through-server.ts): the
// server's DuckDB instance runs with file access disabled (server/open-store.ts), and no path
// chosen by a caller is ever used on the server.

import { Readable } from 'node:stream';
import type { DuckDBConnection, DuckDBResult, Json } from '@duckdb/node-api';
import { z } from 'zod';
import { FLOWS_VIEW_COLUMNS } from '../../store/schema.ts';
import { toDuckDbValues } from '../../store/values.ts';
import { ApiError } from '../errors.ts';
import { defineRoute, need, type ApiRoute, type ServerDeps } from '../route.ts';

const instant = z.iso.datetime({ offset: true }).or(z.iso.date());
const rangeSchema = z
  .object({
    /** First time exported (inclusive): an ISO 8601 time or UTC day. */
    from: instant.optional(),
    /** End of the export (exclusive). */
    to: instant.optional(),
  })
  .strict();
const flowsQuerySchema = rangeSchema.extend({ format: z.enum(['ndjson', 'csv']).default('ndjson') }).strict();

/** One connection of the server's instance for exports, so a long one does not hold up user queries. */
const connections = new WeakMap<ServerDeps, Promise<DuckDBConnection>>();
function exportConnection(deps: ServerDeps): Promise<DuckDBConnection> {
  let c = connections.get(deps);
  if (!c) connections.set(deps, (c = deps.connect()));
  return c;
}

function csvField(v: Json): string {
  if (v === null) return '';
  const text = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

async function* lines(result: DuckDBResult, format: 'ndjson' | 'csv'): AsyncGenerator<string> {
  if (format === 'csv') yield `${FLOWS_VIEW_COLUMNS.join(',')}\n`;
  for await (const rows of result.yieldRowObjectJson()) {
    let out = '';
    for (const row of rows)
      out +=
        format === 'csv'
          ? `${FLOWS_VIEW_COLUMNS.map((c) => csvField(row[c] ?? null)).join(',')}\n`
          : `${JSON.stringify(row)}\n`;
    yield out;
  }
}

const toDate = (text: string | undefined): Date | undefined =>
  text === undefined ? undefined : new Date(/T/.test(text) ? text : `${text}T00:00:00Z`);

/** The range as a WHERE clause over `time` (empty without bounds) with its bound parameters. */
function rangeWhere(q: { from?: string | undefined; to?: string | undefined }): {
  where: string;
  params: Date[];
} {
  const from = toDate(q.from);
  const to = toDate(q.to);
  if (from && to && from >= to) throw new ApiError(400, '`from` must be earlier than `to`', 'swap the two');
  const parts: string[] = [];
  const params: Date[] = [];
  if (from) {
    parts.push('time >= ?');
    params.push(from);
  }
  if (to) {
    parts.push('time < ?');
    params.push(to);
  }
  return { where: parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '', params };
}

export const exportRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/export/days',
    summary: 'The UTC days holding flows in a range, with their row counts (for a Parquet export)',
    access: need('flows:export'),
    query: rangeSchema,
    async handler({ query, deps }) {
      const { where, params } = rangeWhere(query);
      const rows = await deps.flows.all(
        `SELECT strftime(CAST(time AS DATE), '%Y-%m-%d') AS d, count(*) AS n FROM flows
         ${where} GROUP BY 1 ORDER BY 1`,
        params,
      );
      return { days: rows.map((row) => ({ date: String(row['d']), rows: Number(row['n']) })) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/export/flows',
    summary:
      'Stored flows in a range, oldest first, streamed as NDJSON or CSV (the columns of the `flows` view)',
    access: need('flows:export'),
    query: flowsQuerySchema,
    async handler({ query, deps, reply }) {
      const { where, params } = rangeWhere(query);
      const columns = FLOWS_VIEW_COLUMNS.map((c) => `"${c}"`).join(', ');
      const conn = await exportConnection(deps);
      const result = await conn.stream(
        `SELECT ${columns} FROM flows ${where} ORDER BY time`,
        toDuckDbValues(params),
      );
      void reply.type(query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
      return Readable.from(lines(result, query.format));
    },
  }),
];
