// What the store holds (the `stats` command's figures): flows, time span, gaps, sources, size.

import { storeSummary } from '../../store/summary.ts';
import { defineRoute, need, type ApiRoute } from '../route.ts';

export const storeStatsRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/stats/store',
    summary: 'What the store holds: flow rows, event time span, coverage gaps, flows by source, size on disk',
    access: need('stats:read'),
    async handler({ deps }) {
      return storeSummary(deps.flows);
    },
  }),
];
