import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../api/routes/index.ts';
import { ApiError } from '../api/errors.ts';
import type { RouteContext } from '../api/route.ts';
import { apiNodeRoutes, EMBEDDED_ONLY_PATHS } from './api-role.ts';

describe('API node routes', () => {
  it('names only routes that exist, and keeps every route with its access', () => {
    const paths = new Set(apiRoutes().map((r) => r.path));
    for (const p of EMBEDDED_ONLY_PATHS) expect(paths, p).toContain(p);
    const node = apiNodeRoutes();
    expect(node.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.access)}`)).toEqual(
      apiRoutes().map((r) => `${r.method} ${r.path} ${JSON.stringify(r.access)}`),
    );
  });

  it('answers 501 with a hint on the DuckDB-only routes and ingest, and leaves the rest alone', async () => {
    const node = apiNodeRoutes();
    const refused = node.filter((r) => EMBEDDED_ONLY_PATHS.includes(r.path) || r.path === '/api/v1/ingest');
    expect(refused.length).toBeGreaterThan(EMBEDDED_ONLY_PATHS.length);
    for (const r of refused) {
      const e: unknown = await r.handler({} as RouteContext<unknown, unknown>).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).status).toBe(501);
      expect((e as ApiError).hint).toMatch(/--role (all|ingest)/);
    }
    const original = new Map(apiRoutes().map((r) => [`${r.method} ${r.path}`, r.summary]));
    const findings = node.find((r) => r.method === 'GET' && r.path === '/api/v1/findings');
    expect(findings?.summary).toBe(original.get('GET /api/v1/findings'));
    expect(findings?.query).toBeDefined();
  });
});
