// Findings: list (filter, sort, page), show, archive.

import { z } from 'zod';
import { archiveFindings } from '../../findings/lifecycle.ts';
import { findingJson } from '../../findings/render.ts';
import { notFound } from '../errors.ts';
import { pageFindings } from '../finding-page.ts';
import { defineRoute, need, type ApiRoute } from '../route.ts';

export const findingListQuery = z.object({
  status: z.enum(['active', 'archived', 'all']).default('active'),
  /** Glob over the finding type. */
  type: z.string().min(1).optional(),
  minSeverity: z.coerce.number().min(0).max(10).optional(),
  /** Exact resource or actor IP. */
  ip: z.string().min(1).optional(),
  sort: z.enum(['severity', 'lastSeen', 'firstSeen', 'type']).default('severity'),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const findingRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/findings',
    summary: 'List findings with filters, sorting and paging',
    access: need('findings:read'),
    query: findingListQuery,
    async handler({ query, deps }) {
      const page = await pageFindings(deps.findingSql, {
        ...(query.status === 'all' ? {} : { status: query.status }),
        ...(query.type === undefined ? {} : { type: query.type }),
        ...(query.minSeverity === undefined ? {} : { minSeverity: query.minSeverity }),
        ...(query.ip === undefined ? {} : { ip: query.ip }),
        sort: query.sort,
        order: query.order,
        limit: query.limit,
        offset: query.offset,
      });
      return {
        total: page.total,
        offset: query.offset,
        limit: query.limit,
        items: page.items.map(findingJson),
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/findings/:id',
    summary: 'One finding with its evidence',
    access: need('findings:read'),
    async handler({ params, deps }) {
      const f = await deps.findings.get(params['id'] ?? '');
      if (!f) throw notFound(`finding with id ${params['id']}`);
      return findingJson(f);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/findings/archive',
    summary: 'Archive findings by id (kept, and updated if the activity repeats)',
    access: need('findings:write'),
    body: z.object({ ids: z.array(z.string().min(1)).min(1).max(1000) }),
    async handler({ body, deps }) {
      return archiveFindings(deps.findings, body.ids, deps.clock);
    },
  }),
];
