// The posture page: the latest report `sakura-guard audit --record` stored in the data directory.
// There is deliberately no route that audits files: paths chosen by API callers would let them
// read any file the server can (path traversal); audits run where the files are, through the CLI.

import { latestPostureReport } from '../../audit/record.ts';
import { defineRoute, need, type ApiRoute } from '../route.ts';

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
];
