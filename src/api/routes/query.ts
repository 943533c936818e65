// Read-only queries: SQL or the pipe language, on the server's sandboxed query connection (see
// server/open-store.ts), one at a time, row-capped and time-bounded.

import { z } from 'zod';
import { toSql } from '../../cli/commands/query.ts';
import { runUserQueryOn } from '../../store/user-query.ts';
import { ApiError } from '../errors.ts';
import { defineRoute, need, type ApiRoute } from '../route.ts';

/** Tables of access control (the sandbox cannot read the key that would make them useful, but we refuse naming them too) and users' own saved queries. */
export const PRIVATE_TABLES = /\b(auth_[a-z_]+|audit_log|saved_queries)\b/i;
/** Table functions that take a table name or a statement as text, which would slip a private name past the check above. */
const DYNAMIC_SQL = /\bquery(_table)?\s*\(/i;

/** Whether a query names a private table, or could name one through text built at run time. */
export function touchesPrivateTables(sql: string): boolean {
  return PRIVATE_TABLES.test(sql) || DYNAMIC_SQL.test(sql);
}

const queues = new WeakMap<object, Promise<unknown>>();

/** Runs `fn` after every earlier query on `conn` has finished (a connection runs one query at a time). */
export function serialised<T>(conn: object, fn: () => Promise<T>): Promise<T> {
  const run = (queues.get(conn) ?? Promise.resolve()).then(fn, fn);
  queues.set(
    conn,
    run.catch(() => undefined),
  );
  return run;
}

export const queryRoutes: ApiRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/api/v1/query',
    summary:
      'Run one read-only SQL SELECT or pipe query over flows, flow_records, vpc_flow_logs, gaps, events, findings',
    access: need('query:run'),
    body: z.object({
      query: z.string().min(1).max(100_000),
      maxRows: z.number().int().min(1).optional(),
      timeoutMs: z.number().int().min(1).optional(),
    }),
    async handler({ body, deps }) {
      if (touchesPrivateTables(body.query)) {
        throw new ApiError(
          403,
          'queries may not read the access-control tables or saved queries, nor use query() or query_table()',
          'the audit log is at GET /api/v1/audit (admins), saved queries at GET /api/v1/saved-queries',
        );
      }
      const { sql, params, pipe } = toSql(body.query);
      const maxRows = Math.min(body.maxRows ?? deps.config.query.maxRows, deps.config.query.maxRows);
      const timeoutMs = Math.min(body.timeoutMs ?? deps.config.query.timeoutMs, deps.config.query.timeoutMs);
      const result = await serialised(deps.queryConnection, () =>
        runUserQueryOn(deps.queryConnection, sql, params, { maxRows, timeoutMs }),
      );
      return { ...result, sql: pipe ? sql : undefined };
    },
  }),
];
