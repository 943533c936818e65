// `serve --role api`: the API and the dashboard of a scale-out deployment. Findings and
// suppression rules are read from and written to PostgreSQL (the detect nodes' finding store),
// flow figures from ClickHouse (opened read-only: ingest nodes write it); the node runs no
// listener, no detection and no alert router. Users, tokens, sessions, the audit log and saved
// queries stay in the node's own data directory (DuckDB), so each API node has its own accounts.
//
// Routes whose SQL is written for the DuckDB file (flow charts, user queries, a finding's
// records, asset traffic, posture, flow export, reports) answer 501 with a hint on an API node: ClickHouse 18.16 does
// not speak that dialect, and answering from the node's empty DuckDB file would be wrong.

import type { Clock } from '../core/clock.ts';
import type { SakuraGuardConfig } from '../config/schema.ts';
import { ApiError } from '../api/errors.ts';
import type { ApiRoute } from '../api/route.ts';
import { apiRoutes } from '../api/routes/index.ts';
import { createPostgresFindingStore } from '../state/postgres/finding-store.ts';
import { openClickHouseStore } from '../store/clickhouse/store.ts';
import type { ScaleOutConfig } from './scale-out-config.ts';
import { startApiServer } from './serve.ts';

/** Paths an API node refuses (501): their SQL targets the DuckDB file. */
export const EMBEDDED_ONLY_PATHS: readonly string[] = [
  '/api/v1/stats/timeseries',
  '/api/v1/stats/top-talkers',
  '/api/v1/stats/top-ports',
  '/api/v1/stats/rejected',
  '/api/v1/stats/peers',
  '/api/v1/stats/ingest',
  '/api/v1/query',
  '/api/v1/findings/:id/records',
  '/api/v1/assets/:ip',
  '/api/v1/assets/:ip/baseline',
  '/api/v1/posture',
  '/api/v1/posture/reports',
  '/api/v1/export/days',
  '/api/v1/export/flows',
  '/api/v1/report',
  '/api/v1/rules/hunt',
  '/api/v1/sakura/sync',
  '/api/v1/sakura/poll',
];

/** The routes an API node serves: every route, with those of EMBEDDED_ONLY_PATHS and ingest refusing. */
export function apiNodeRoutes(): ApiRoute[] {
  return apiRoutes().map((r): ApiRoute => {
    if (r.path === '/api/v1/ingest')
      return refused(r, 'ingest nodes take log lines', 'send them to an ingest node (serve --role ingest)');
    if (EMBEDDED_ONLY_PATHS.includes(r.path))
      return refused(
        r,
        'its SQL is written for the embedded DuckDB store',
        'use an embedded server (serve --role all), or query ClickHouse directly (docs/deployment.md)',
      );
    return r;
  });
}

function refused(r: ApiRoute, why: string, hint: string): ApiRoute {
  const { body: _body, query: _query, ...rest } = r;
  return {
    ...rest,
    handler: () => Promise.reject(new ApiError(501, `${r.path} is not served by an API node: ${why}`, hint)),
  };
}

export interface ApiNodeOptions {
  config: SakuraGuardConfig;
  scaleOut: ScaleOutConfig;
  dataDir: string;
  clock: Clock;
  version: string;
  /** Where JSON request logs go (default stdout); `false` for none. */
  logStream?: NodeJS.WritableStream | false;
  onBootstrapToken?(token: string, expiresAt: Date): void;
}

export interface RunningApiNode {
  url: string;
  close(): Promise<void>;
}

export async function startApiNode(o: ApiNodeOptions): Promise<RunningApiNode> {
  const findings = await createPostgresFindingStore(o.scaleOut.postgres);
  let flows: Awaited<ReturnType<typeof openClickHouseStore>> | null = null;
  try {
    flows = await openClickHouseStore({ ...o.scaleOut.clickhouse, readOnly: true });
    const server = await startApiServer(
      {
        config: o.config,
        dataDir: o.dataDir,
        clock: o.clock,
        version: o.version,
        ...(o.logStream === undefined ? {} : { logStream: o.logStream }),
        ...(o.onBootstrapToken ? { onBootstrapToken: o.onBootstrapToken } : {}),
      },
      { findings, findingSql: findings.sql, flows, routes: apiNodeRoutes() },
    );
    const open = flows;
    return {
      url: server.url,
      async close() {
        try {
          await server.close();
        } finally {
          await open.close();
          await findings.close();
        }
      },
    };
  } catch (e) {
    await flows?.close();
    await findings.close();
    throw e;
  }
}
