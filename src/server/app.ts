// Builds the Fastify application from the route list: authentication and the permission matrix
// in front of every route, zod validation of inputs, the error mapper, security headers, a
// per-address rate limit, request counters and the automatic audit entry for every write.

import cookie from '@fastify/cookie';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import type { z } from 'zod';
import { ApiError, forbidden, sendError, unauthorized } from '../api/errors.ts';
import { openApiDocument } from '../api/routes/openapi.ts';
import { openApiPage } from '../api/routes/openapi-page.ts';
import { allows, PERMISSIONS } from '../api/permissions.ts';
import type { ApiRoute, Principal, RouteContext, ServerDeps } from '../api/route.ts';
import { RateLimiter } from '../api/rate-limit.ts';
import { authenticate } from './authenticate.ts';
import { DEFAULT_WEB_ROOT, serveStatic } from './static.ts';

export const OPENAPI_PATH = '/api/v1/openapi.json';
/** The same document where the issue names it, and a page to browse it. */
export const OPENAPI_ALIAS = '/api/openapi.json';
export const OPENAPI_PAGE = '/api/docs';

export interface AppOptions {
  routes: ApiRoute[];
  version: string;
  logger: FastifyServerOptions['logger'];
  https?: { cert: Buffer; key: Buffer };
  /** The built dashboard served from `/` (default dist/web); null serves none. */
  webRoot?: string | null;
}

const CSP =
  "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

function parseInput(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return value;
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${[where, ...i.path.map(String)].join('.')}: ${i.message}`);
  throw new ApiError(
    400,
    `invalid request: ${problems.join('; ')}`,
    'see /api/v1/openapi.json for the expected shape',
  );
}

/** Applies a route's access rule; throws 401/403. */
export function checkAccess(route: ApiRoute, principal: Principal | null): void {
  const access = route.access;
  switch (access.kind) {
    case 'public':
      return;
    case 'authenticated':
      if (!principal) throw unauthorized();
      return;
    case 'permission':
      if (!principal) throw unauthorized();
      if (principal.mustEnrollTotp) {
        throw new ApiError(
          403,
          'admins must enrol a TOTP authenticator first',
          'POST /api/v1/auth/totp/enroll, then /api/v1/auth/totp/confirm',
        );
      }
      if (!allows(principal.role, access.permission)) throw forbidden(PERMISSIONS[access.permission]);
      return;
    default: {
      const never: never = access;
      return never;
    }
  }
}

export async function buildApp(deps: ServerDeps, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger,
    bodyLimit: deps.config.server.bodyLimitBytes,
    ...(options.https ? { https: options.https } : {}),
    return503OnClosing: true,
  });
  await app.register(cookie);
  const limiter = new RateLimiter(deps.config.server.rateLimitPerMinute, 60_000, deps.clock);

  app.addHook('onSend', async (_req, reply, payload) => {
    void reply.header('content-security-policy', CSP);
    void reply.header('x-frame-options', 'DENY');
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    // The dashboard's static files set their own (hashed assets are cached for a year).
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    if (deps.tls) void reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    return payload;
  });
  app.addHook('onResponse', async (req, reply) => {
    deps.metrics.inc('sakura_guard_http_requests_total', {
      route: req.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    });
  });
  app.setErrorHandler((e, req, reply) => sendError(e, req, reply));
  const webRoot = options.webRoot === undefined ? DEFAULT_WEB_ROOT : options.webRoot;
  app.setNotFoundHandler(async (req, reply) => {
    if (webRoot !== null && (await serveStatic(req, reply, webRoot))) return reply;
    return sendError(new ApiError(404, 'no such route'), req, reply);
  });

  const routes = [
    ...options.routes,
    {
      method: 'GET',
      path: OPENAPI_PATH,
      summary: 'This OpenAPI document',
      access: { kind: 'authenticated' },
      handler: async () => doc,
    } satisfies ApiRoute,
    {
      method: 'GET',
      path: OPENAPI_ALIAS,
      summary: 'This OpenAPI document (same as /api/v1/openapi.json)',
      access: { kind: 'authenticated' },
      handler: async () => doc,
    } satisfies ApiRoute,
    {
      method: 'GET',
      path: OPENAPI_PAGE,
      summary: 'The OpenAPI document as a browsable page',
      access: { kind: 'authenticated' },
      handler: async ({ reply }) => {
        void reply.type('text/html; charset=utf-8');
        return openApiPage(doc, OPENAPI_PATH);
      },
    } satisfies ApiRoute,
  ];
  const doc = openApiDocument(routes, options.version);

  for (const route of routes) {
    if (route.rawBody || route.streamBody) continue;
    app.route({
      method: route.method,
      url: route.path,
      handler: (req, reply) => handle(route, req, reply, deps, limiter),
    });
  }
  // Routes that read their body raw (HTTP ingest: NDJSON, gzip) get every content type as bytes.
  await app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    for (const route of routes) {
      if (!route.rawBody) continue;
      raw.route({
        method: route.method,
        url: route.path,
        handler: (req, reply) => handle(route, req, reply, deps, limiter),
      });
    }
  });
  // Upload routes read the request as a stream (never buffered whole); they bound its size themselves.
  await app.register(async (streamed) => {
    streamed.removeAllContentTypeParsers();
    streamed.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    for (const route of routes) {
      if (!route.streamBody) continue;
      streamed.route({
        method: route.method,
        url: route.path,
        handler: (req, reply) => handle(route, req, reply, deps, limiter),
      });
    }
  });
  return app;
}

async function handle(
  route: ApiRoute,
  req: FastifyRequest,
  reply: FastifyReply,
  deps: ServerDeps,
  limiter: RateLimiter,
): Promise<unknown> {
  const ip = req.ip;
  if (route.access.kind !== 'public' || route.path.startsWith('/api/')) {
    if (!limiter.hit(ip)) {
      deps.metrics.inc('sakura_guard_rate_limited_total');
      void reply.header('retry-after', String(limiter.retryAfter(ip)));
      throw new ApiError(429, 'too many requests from this address', 'slow down and retry later');
    }
  }
  const write = route.method !== 'GET';
  const principal = route.access.kind === 'public' ? null : await authenticate(req, deps);
  const params = (req.params ?? {}) as Record<string, string>;
  const target = params['id'] ?? params['name'] ?? null;
  let audited = false;
  const actor = principal
    ? principal.tokenId
      ? `${principal.user} (token ${principal.tokenId})`
      : principal.user
    : '-';
  const audit = async (action: string, t: string | null, detail?: Record<string, unknown>): Promise<void> => {
    audited = true;
    await deps.auth.audit({ actor, action, target: t, ip, outcome: 'ok', detail: detail ?? null });
  };
  try {
    checkAccess(route, principal);
    const ctx: RouteContext<unknown, unknown> = {
      body: route.rawBody || route.streamBody ? req.body : parseInput(route.body, req.body, 'body'),
      query: parseInput(route.query, req.query, 'query'),
      params,
      principal,
      deps,
      ip,
      reply,
      log: req.log,
      audit,
    };
    const result = await route.handler(ctx);
    if (write && !route.auditSelf && !audited) await audit(`${route.method} ${route.path}`, target);
    if (reply.statusCode === 200 && route.status !== undefined) void reply.status(route.status);
    return result;
  } catch (e) {
    if (write && !route.auditSelf && principal) {
      const status = e instanceof ApiError ? e.status : 500;
      await deps.auth.audit({
        actor,
        action: `${route.method} ${route.path}`,
        target,
        ip,
        outcome: status === 401 || status === 403 ? 'denied' : 'failed',
        detail: { status },
      });
    }
    throw e;
  }
}
