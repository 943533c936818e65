// Automated response through the API: the recorded actions, and approving or undoing one (what
// the dashboard's approve button and `sakura-guard respond approve|undo` do). Every approval and
// undo is recorded with the user who made it. 409 when response is not configured in `serve`.

import { z } from 'zod';
import { ApiError } from '../errors.ts';
import { ACTION_STATUSES } from '../../respond/store.ts';
import type { ResponseService } from '../../respond/service.ts';
import { defineRoute, need, type ApiRoute, type RouteContext } from '../route.ts';

const listQuery = z.object({
  status: z.enum(ACTION_STATUSES).optional(),
  findingId: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

function service(ctx: RouteContext<unknown, unknown>): ResponseService {
  const s = ctx.deps.responses;
  if (!s)
    throw new ApiError(
      409,
      'automated response is not configured on this server',
      'add respond.policies to the configuration (docs/response.md)',
    );
  return s;
}

const who = (ctx: RouteContext<unknown, unknown>): string => `api:${ctx.principal?.user ?? 'unknown'}`;

export const responseRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/responses',
    summary:
      'Recorded response actions (dry-runs, refusals, pending approvals, blocks), newest first; `findingId` narrows to one finding’s',
    access: need('responses:read'),
    query: listQuery,
    async handler(ctx) {
      const q = ctx.query;
      const items = await service(ctx).list({
        limit: q.limit,
        ...(q.status ? { status: q.status } : {}),
        ...(q.findingId === undefined ? {} : { findingId: q.findingId }),
      });
      return { items };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/responses/:id/approve',
    summary: 'Approve a pending response action: its responder acts now',
    access: need('responses:write'),
    async handler(ctx) {
      return service(ctx).approve(ctx.params.id ?? '', who(ctx));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/responses/:id/undo',
    summary: 'Undo an applied response action (lift the block) or withdraw a pending one',
    access: need('responses:write'),
    async handler(ctx) {
      return service(ctx).undo(ctx.params.id ?? '', who(ctx));
    },
  }),
];
