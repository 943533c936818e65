// Health (process up) and readiness (store answers): the only routes without authentication.
// Prometheus metrics need a token or session with `metrics:read`.

import { defineRoute, need, type ApiRoute } from '../route.ts';

export const healthRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/healthz',
    summary: 'The process is up',
    access: { kind: 'public' },
    async handler() {
      return { status: 'ok' };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/readyz',
    summary: 'The store answers queries',
    access: { kind: 'public' },
    async handler({ deps, reply }) {
      const ready = await deps.ready().catch(() => false);
      void reply.status(ready ? 200 : 503);
      return { status: ready ? 'ready' : 'not ready' };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics (text exposition format)',
    access: need('metrics:read'),
    async handler({ deps, reply }) {
      void reply.type('text/plain; version=0.0.4; charset=utf-8');
      return deps.metrics.render();
    },
  }),
];
