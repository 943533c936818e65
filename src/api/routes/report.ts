// The security report rendered by a running server, for `sakura-guard report` while `serve`
// holds the store: the same gathering and rendering as the command (src/report), answered as the
// file itself (HTML, PDF or JSON); the command writes it where it was asked to.

import { z } from 'zod';
import { gatherReport } from '../../report/gather.ts';
import { periodFromFlags } from '../../report/period.ts';
import { REPORT_FORMATS, renderReport } from '../../report/render.ts';
import { LANGUAGES } from '../../report/strings.ts';
import { defineRoute, need, type ApiRoute } from '../route.ts';

const querySchema = z
  .object({
    /** Start of the period: a UTC day or a time with offset (default: 7 days before `to`). */
    from: z.string().max(64).optional(),
    /** End of the period; a day is included whole (default: now). */
    to: z.string().max(64).optional(),
    format: z.enum(REPORT_FORMATS).default('html'),
    lang: z.enum(LANGUAGES).default('en'),
  })
  .strict();

export const reportRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/report',
    summary:
      'The security report of a period (findings, posture, coverage, compliance view) as HTML, PDF or JSON',
    access: need('reports:read'),
    query: querySchema,
    async handler({ query, deps, reply }) {
      const period = periodFromFlags(query.from, query.to, deps.clock.now());
      const data = await gatherReport(
        { findings: deps.findings, flows: deps.flows, dataDir: deps.dataDir, clock: deps.clock },
        period,
      );
      const out = await renderReport(data, query.format, query.lang);
      void reply
        .type(out.contentType)
        .header('x-report-findings', String(data.findings.total))
        .header('x-report-period', `${data.period.from}/${data.period.to}`);
      return out.body;
    },
  }),
];
