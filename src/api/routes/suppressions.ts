// Suppression rules: list, preview, add (archives matching findings retroactively), remove
// (restores what the rule archived).

import { z } from 'zod';
import { addSuppression, previewSuppression, removeSuppression } from '../../findings/lifecycle.ts';
import { suppressionFilterSchema } from '../../findings/suppression.ts';
import { defineRoute, need, type ApiRoute } from '../route.ts';

const DAY_MS = 86_400_000;

export const suppressionRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/suppressions',
    summary: 'List suppression rules',
    access: need('suppressions:read'),
    async handler({ deps }) {
      return { items: await deps.findings.listRules() };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/suppressions/preview',
    summary: 'How many active findings a filter would archive now',
    access: need('suppressions:read'),
    body: z.object({ filter: suppressionFilterSchema }),
    async handler({ body, deps }) {
      return { wouldArchive: await previewSuppression(deps.findings, body.filter) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/suppressions',
    summary: 'Add a suppression rule; archives the active findings it matches',
    access: need('suppressions:write'),
    status: 201,
    body: z.object({
      filter: suppressionFilterSchema,
      reason: z.string().max(1000).default(''),
      expiresInDays: z.number().positive().max(3650).optional(),
    }),
    async handler({ body, deps }) {
      const expiresAt =
        body.expiresInDays === undefined ? null : deps.clock.now() + Math.round(body.expiresInDays * DAY_MS);
      return addSuppression(
        deps.findings,
        { filter: body.filter, reason: body.reason, expiresAt },
        deps.clock,
      );
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/v1/suppressions/:id',
    summary: 'Remove a rule; re-activates the findings it archived',
    access: need('suppressions:write'),
    async handler({ params, deps }) {
      return { restored: await removeSuppression(deps.findings, params['id'] ?? '', deps.clock) };
    },
  }),
];
