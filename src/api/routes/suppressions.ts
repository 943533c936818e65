// Suppression rules: list, preview, add (archives matching findings retroactively), remove
// (restores what the rule archived).

import { z } from 'zod';
import { addSuppression, removeSuppression } from '../../findings/lifecycle.ts';
import { findingJson } from '../../findings/render.ts';
import { filterMatches, suppressionFilterSchema, validateFilter } from '../../findings/suppression.ts';
import { defineRoute, need, type ApiRoute } from '../route.ts';

const DAY_MS = 86_400_000;
/** Findings a preview lists (the highest severity first); `wouldArchive` counts them all. */
const PREVIEW_SAMPLE = 20;

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
    summary: 'How many and which active findings a filter would archive now (nothing is created)',
    access: need('suppressions:read'),
    body: z.object({ filter: suppressionFilterSchema }),
    async handler({ body, deps }) {
      const filter = validateFilter(body.filter);
      const hidden = (await deps.findings.list({ status: 'active' })).filter((f) => filterMatches(filter, f));
      return { wouldArchive: hidden.length, sample: hidden.slice(0, PREVIEW_SAMPLE).map(findingJson) };
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
