// The posture page: the latest report `sakura-guard audit --record` stored in the data directory.
// There is deliberately no route that audits files: paths chosen by API callers would let them
// read any file the server can (path traversal); audits run where the files are, through the CLI,
// which posts its result here while `serve` holds the store (validated in full before use).

import { z } from 'zod';
import { loadAssets } from '../../assets/load.ts';
import { joinFlows } from '../../audit/flows/join.ts';
import { readTraffic } from '../../audit/flows/read-store.ts';
import { latestPostureReport, recordPostureFindings, savePostureReport } from '../../audit/record.ts';
import { auditReportSchema } from '../../audit/report-schema.ts';
import { loadIntel } from '../../intel/store.ts';
import { defineRoute, need, type ApiRoute } from '../route.ts';

const recordSchema = z
  .object({
    /** The report as `audit` built it (the in-memory report, not a rendered format). */
    report: auditReportSchema,
    /** Join it with the flows this server holds over this many days first (as `audit --record`). */
    joinDays: z.number().positive().max(3650).optional(),
  })
  .strict();

export const postureRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/posture',
    summary: 'The latest recorded posture audit report (null when none was recorded)',
    access: need('posture:read'),
    async handler({ deps }) {
      const latest = await latestPostureReport((sql, params) => deps.flows.all(sql, params));
      return latest ?? { recordedAt: null, report: null };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/posture/reports',
    summary:
      'Record a posture audit report (joined with the stored flows when asked): its exposed-port findings and the report itself',
    access: need('posture:write'),
    body: recordSchema,
    status: 201,
    async handler({ body, deps, audit }) {
      const report = body.report;
      if (body.joinDays !== undefined) {
        const observed = await readTraffic(
          (sql, params) => deps.flows.all(sql, params),
          `${deps.dataDir} (serve)`,
          body.joinDays,
        );
        await joinFlows(report, { from: [], windowDays: body.joinDays, observed });
      }
      const counts = await recordPostureFindings(report, {
        store: deps.findings,
        clock: deps.clock,
        intel: await loadIntel(deps.dataDir),
        assets: await loadAssets(deps.dataDir),
      });
      const conn = await deps.connect();
      try {
        await savePostureReport(conn, report, deps.clock.now());
      } finally {
        conn.closeSync();
      }
      await audit('posture.record', null, { files: report.files.length, ...counts });
      return { counts, report };
    },
  }),
];
