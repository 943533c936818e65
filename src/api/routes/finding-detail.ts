// What the finding-detail page shows beside the finding: its contributing records (the
// evidence query the detector wrote, run in the read-only query sandbox, paged or as CSV) and
// related findings (same actor or same resource address).

import { z } from 'zod';
import { renderCsv } from '../../cli/table.ts';
import type { Finding } from '../../findings/finding.ts';
import { findingJson } from '../../findings/render.ts';
import { runUserQueryOn } from '../../store/user-query.ts';
import { ApiError, notFound } from '../errors.ts';
import { defineRoute, need, type ApiRoute, type ServerDeps } from '../route.ts';
import { serialised, touchesPrivateTables } from './query.ts';

/** Rows a CSV export holds at most. */
export const CSV_MAX_ROWS = 10_000;

async function findingOr404(deps: ServerDeps, id: string): Promise<Finding> {
  const f = await deps.findings.get(id);
  if (!f) throw notFound(`finding with id ${id}`);
  return f;
}

export const findingDetailRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/findings/:id/records',
    summary: 'The flows that made a finding (its evidence query), paged, or CSV with ?format=csv',
    access: need('findings:read'),
    query: z.object({
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
      format: z.enum(['json', 'csv']).default('json'),
    }),
    async handler({ params, query, deps, reply }) {
      const f = await findingOr404(deps, params['id'] ?? '');
      const evidence = f.evidence.query.trim().replace(/;+$/, '');
      if (evidence === '' || touchesPrivateTables(evidence))
        throw new ApiError(404, `finding ${f.id} has no evidence query over the flows`);
      const csv = query.format === 'csv';
      const limit = csv ? CSV_MAX_ROWS : query.limit;
      const offset = csv ? 0 : query.offset;
      // The detector's query keeps its own ORDER BY; DuckDB preserves it through the subquery.
      const sql = `SELECT * FROM (${evidence}) AS contributing LIMIT ? OFFSET ?`;
      const result = await serialised(deps.queryConnection, () =>
        runUserQueryOn(deps.queryConnection, sql, [limit + 1, offset], {
          maxRows: limit,
          timeoutMs: deps.config.query.timeoutMs,
        }),
      );
      if (csv) {
        void reply.type('text/csv; charset=utf-8');
        void reply.header('content-disposition', `attachment; filename="finding-${f.id}-records.csv"`);
        return renderCsv({ columns: result.columns.map((c) => c.name), rows: result.rows });
      }
      return { columns: result.columns, rows: result.rows, offset, limit, hasMore: result.truncated };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/findings/:id/related',
    summary: 'Findings with the same actor or the same resource address, most recent first',
    access: need('findings:read'),
    query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
    async handler({ params, query, deps }) {
      const f = await findingOr404(deps, params['id'] ?? '');
      await deps.findings.flush();
      const rows = await deps.findingSql(
        `SELECT body FROM findings
         WHERE id <> ? AND (resource_ip = ? OR (actor_ip = ? AND actor_ip <> ''))
         ORDER BY last_seen DESC, id LIMIT ?`,
        [f.id, f.resource.ip, f.actor.ip, query.limit],
      );
      return { items: rows.map((r) => findingJson(JSON.parse(String(r['body'])) as Finding)) };
    },
  }),
];
