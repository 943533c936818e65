// The literal registry of API routes: one file per area, one line here.

import type { ApiRoute } from '../route.ts';
import { agentRoutes } from './agent.ts';
import { alertRoutes } from './alerts.ts';
import { assetRoutes } from './assets.ts';
import { createAuthRoutes } from './auth.ts';
import { catalogRoutes } from './catalog.ts';
import { exportRoutes } from './export.ts';
import { findingDetailRoutes } from './finding-detail.ts';
import { findingRoutes } from './findings.ts';
import { healthRoutes } from './health.ts';
import { ingestRoutes } from './ingest.ts';
import { intelRoutes } from './intel.ts';
import { postureRoutes } from './posture.ts';
import { queryRoutes } from './query.ts';
import { reportRoutes } from './report.ts';
import { responseRoutes } from './responses.ts';
import { rulesHuntRoutes } from './rules-hunt.ts';
import { sakuraRoutes } from './sakura.ts';
import { savedQueryRoutes } from './saved-queries.ts';
import { statsRoutes } from './stats.ts';
import { storeStatsRoutes } from './store-stats.ts';
import { streamRoutes } from './stream.ts';
import { suppressionRoutes } from './suppressions.ts';
import { userRoutes } from './users.ts';

/** Every route but the OpenAPI document (which the server adds over this list). */
export function apiRoutes(): ApiRoute[] {
  return [
    ...healthRoutes,
    ...createAuthRoutes(),
    ...findingRoutes,
    ...findingDetailRoutes,
    ...suppressionRoutes,
    ...queryRoutes,
    ...savedQueryRoutes,
    ...statsRoutes,
    ...storeStatsRoutes,
    ...streamRoutes,
    ...postureRoutes,
    ...catalogRoutes,
    ...intelRoutes,
    ...alertRoutes,
    ...responseRoutes,
    ...agentRoutes,
    ...rulesHuntRoutes,
    ...sakuraRoutes,
    ...assetRoutes,
    ...userRoutes,
    ...ingestRoutes,
    ...exportRoutes,
    ...reportRoutes,
  ];
}
