// Findings: list (filter, sort, page), show, archive.

import { z } from 'zod';
import { archiveFindings } from '../../findings/lifecycle.ts';
import { findingJson } from '../../findings/render.ts';
import type { Finding } from '../../findings/finding.ts';
import type { FindingQuery } from '../../findings/store.ts';
import { notFound } from '../errors.ts';
import { defineRoute, need, type ApiRoute } from '../route.ts';

const SORTS = {
  severity: (a: Finding, b: Finding) => a.severity - b.severity,
  lastSeen: (a: Finding, b: Finding) => cmp(a.lastSeen, b.lastSeen),
  firstSeen: (a: Finding, b: Finding) => cmp(a.firstSeen, b.firstSeen),
  type: (a: Finding, b: Finding) => cmp(a.type, b.type),
} as const;

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

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
      const q: FindingQuery = {};
      if (query.status !== 'all') q.status = query.status;
      if (query.type !== undefined) q.type = query.type;
      if (query.minSeverity !== undefined) q.minSeverity = query.minSeverity;
      let list = await deps.findings.list(q);
      if (query.ip !== undefined)
        list = list.filter((f) => f.resource.ip === query.ip || f.actor.ip === query.ip);
      const by = SORTS[query.sort];
      const sign = query.order === 'asc' ? 1 : -1;
      list.sort((a, b) => sign * by(a, b) || cmp(a.id, b.id));
      return {
        total: list.length,
        offset: query.offset,
        limit: query.limit,
        items: list.slice(query.offset, query.offset + query.limit).map(findingJson),
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
