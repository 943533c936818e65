// A real server on 127.0.0.1 (ephemeral port) hit over HTTP with fetch: the permission matrix
// for every route and role, tokens, sessions, CSRF, lock-out, TOTP, the audit log, the error
// mapper, the query sandbox and the logs (no secrets in them).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { defaultConfig } from '../config/schema.ts';
import { sampleFinding } from '../findings/store-contract.ts';
import { allows, ROLES, type Role } from '../api/permissions.ts';
import { apiRoutes } from '../api/routes/index.ts';
import type { ApiRoute } from '../api/route.ts';
import { totpCode } from '../api/totp.ts';
import { batchOf } from '../engine/test-flows.ts';
import { OPENAPI_ALIAS, OPENAPI_PAGE, OPENAPI_PATH } from './app.ts';
import { startServer, type RunningServer } from './serve.ts';
import { findRunningServer } from './discovery.ts';

const clock = manualClock(Date.parse('2026-11-23T12:00:00Z'));
const logs: string[] = [];
const secrets: string[] = [];
let server: RunningServer;
let dir: string;
const tokens = {} as Record<Role, string>;

const PASSWORDS = {
  root: 'root-password-123456',
  alice: 'alice-password-123456',
  vera: 'vera-password-1234567',
};

interface Res {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function call(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; cookie?: string; csrf?: string; raw?: string } = {},
): Promise<Res> {
  const headers: Record<string, string> = {};
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (options.cookie) headers['cookie'] = options.cookie;
  if (options.csrf) headers['x-csrf-token'] = options.csrf;
  let body: string | undefined;
  if (options.raw !== undefined || options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = options.raw ?? JSON.stringify(options.body);
  }
  const r = await fetch(server.url + path, { method, headers, ...(body === undefined ? {} : { body }) });
  if (r.headers.get('content-type')?.startsWith('text/event-stream')) {
    await r.body?.cancel(); // a stream never ends; its status is what the matrix checks
    return { status: r.status, body: {}, headers: r.headers };
  }
  const text = await r.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: r.status, body: parsed, headers: r.headers };
}

async function login(
  user: keyof typeof PASSWORDS,
  totp?: string,
): Promise<{ res: Res; cookie: string; csrf: string }> {
  const res = await call('POST', '/api/v1/auth/login', {
    body: { user, password: PASSWORDS[user], ...(totp ? { totp } : {}) },
  });
  const set = res.headers.get('set-cookie') ?? '';
  const cookie = set.split(';')[0] ?? '';
  if (cookie) secrets.push(cookie.split('=')[1] ?? '');
  const csrf = String(res.body['csrfToken'] ?? '');
  return { res, cookie, csrf };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sg-serve-'));
  const config = defaultConfig();
  config.server.port = 0;
  config.server.bodyLimitBytes = 4096;
  let bootstrap = '';
  server = await startServer({
    config,
    dataDir: dir,
    clock,
    version: 'test',
    logStream: new Writable({
      write(chunk: Buffer, _enc, cb) {
        logs.push(chunk.toString());
        cb();
      },
    }),
    onBootstrapToken: (t) => {
      bootstrap = t;
    },
  });
  secrets.push(bootstrap);
  for (const role of ROLES) {
    const r = await call('POST', '/api/v1/tokens', {
      token: bootstrap,
      body: { name: `${role} token`, role },
    });
    expect(r.status).toBe(201);
    tokens[role] = String(r.body['token']);
    secrets.push(tokens[role]);
  }
  for (const [name, role] of [
    ['root', 'admin'],
    ['alice', 'analyst'],
    ['vera', 'viewer'],
  ] as const) {
    const token = name === 'root' ? bootstrap : tokens.admin; // the first user through the bootstrap token
    const r = await call('POST', '/api/v1/users', { token, body: { name, role, password: PASSWORDS[name] } });
    expect(r.status, JSON.stringify(r.body) + name).toBe(201);
  }
  for (let i = 0; i < 30; i++) {
    await server.deps.findings.put(
      sampleFinding({
        id: `f${String(i).padStart(2, '0')}`,
        severity: 1 + (i % 9),
        type: i % 2 ? 'Recon:Host/Portscan' : 'UnauthorizedAccess:Host/SSHBruteForce',
      }),
    );
  }
});

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function concretePath(route: ApiRoute): string {
  return route.path.replace(/:[A-Za-z]+/g, 'nonexistent');
}

describe('sakura-guard serve over HTTP', () => {
  it('answers health without credentials, with security headers; nothing else', async () => {
    const h = await call('GET', '/healthz');
    expect(h.status).toBe(200);
    expect((await call('GET', '/readyz')).body).toEqual({ status: 'ready' });
    expect(h.headers.get('x-frame-options')).toBe('DENY');
    expect(h.headers.get('x-content-type-options')).toBe('nosniff');
    expect(h.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(h.headers.get('strict-transport-security')).toBeNull(); // no TLS here
    expect((await call('GET', '/api/v1/findings')).status).toBe(401);
    expect((await call('GET', '/metrics')).status).toBe(401);
  });

  it('the bootstrap token was revoked when the first user was added', async () => {
    const r = await call('GET', '/api/v1/audit', { token: tokens.admin });
    const actions = (r.body['items'] as { action: string }[]).map((e) => e.action);
    expect(actions).toContain('bootstrap.token');
    expect(actions).toContain('user.add');
    expect((await call('GET', '/api/v1/auth/me', { token: secrets[0] })).status).toBe(401);
  });

  it('every route x every role (and none) follows the permission matrix', async () => {
    const routes: ApiRoute[] = [
      ...apiRoutes(),
      ...[OPENAPI_PATH, OPENAPI_ALIAS, OPENAPI_PAGE].map((path): ApiRoute => ({
        method: 'GET',
        path,
        summary: '',
        access: { kind: 'authenticated' },
        handler: async () => null,
      })),
    ];
    const failures: string[] = [];
    for (const route of routes) {
      if (route.path === '/api/v1/auth/login') continue; // its own tests below (rate-limited)
      for (const role of [null, ...ROLES] as const) {
        const r = await call(route.method, concretePath(route), {
          ...(role ? { token: tokens[role] } : {}),
          ...(route.method === 'GET' ? {} : { body: {} }),
        });
        let expected: 'ok' | 401 | 403;
        if (route.access.kind === 'public') expected = 'ok';
        else if (role === null) expected = 401;
        else if (route.access.kind === 'authenticated') expected = 'ok';
        else expected = allows(role, route.access.permission) ? 'ok' : 403;
        const good =
          expected === 'ok' ? r.status !== 401 && r.status !== 403 && r.status < 500 : r.status === expected;
        if (!good)
          failures.push(
            `${route.method} ${route.path} as ${role ?? 'none'}: ${r.status} ${JSON.stringify(r.body)}`,
          );
      }
    }
    expect(failures).toEqual([]);
  });

  it('revoking a token takes effect on the next request', async () => {
    const created = await call('POST', '/api/v1/tokens', { token: tokens.analyst, body: { name: 'ci' } });
    const t = String(created.body['token']);
    secrets.push(t);
    expect(created.body['role']).toBe('analyst');
    expect((await call('GET', '/api/v1/findings', { token: t })).status).toBe(200);
    expect(
      (await call('DELETE', `/api/v1/tokens/${String(created.body['id'])}`, { token: tokens.analyst }))
        .status,
    ).toBe(200);
    expect((await call('GET', '/api/v1/findings', { token: t })).status).toBe(401);
  });

  it('demoting a user demotes their tokens at once', async () => {
    const { cookie, csrf } = await login('alice');
    const created = await call('POST', '/api/v1/tokens', { cookie, csrf, body: { name: 'mine' } });
    const t = String(created.body['token']);
    secrets.push(t);
    const filter = { filter: { type: 'Nothing:*' }, reason: 'x' };
    const before = await call('POST', '/api/v1/suppressions', { token: t, body: filter });
    expect(before.status).toBe(201);
    await call('DELETE', `/api/v1/suppressions/${String((before.body['rule'] as { id: string }).id)}`, {
      token: t,
    });
    expect(
      (await call('PATCH', '/api/v1/users/alice', { token: tokens.admin, body: { role: 'viewer' } })).status,
    ).toBe(200);
    expect((await call('POST', '/api/v1/suppressions', { token: t, body: filter })).status).toBe(403);
    expect((await call('GET', '/api/v1/findings', { token: t })).status).toBe(200);
    await call('PATCH', '/api/v1/users/alice', { token: tokens.admin, body: { role: 'analyst' } });
    expect((await call('POST', '/api/v1/suppressions/preview', { token: t, body: filter })).status).toBe(200);
  });

  it('a token cannot be created above its creator’s role', async () => {
    const r = await call('POST', '/api/v1/tokens', {
      token: tokens.viewer,
      body: { name: 'x', role: 'admin' },
    });
    expect(r.status).toBe(403);
  });

  it('expired tokens are refused', async () => {
    const created = await call('POST', '/api/v1/tokens', {
      token: tokens.viewer,
      body: { name: 'short', expiresInDays: 1 },
    });
    const t = String(created.body['token']);
    secrets.push(t);
    expect((await call('GET', '/api/v1/findings', { token: t })).status).toBe(200);
    clock.advance(86_400_000 + 1);
    expect((await call('GET', '/api/v1/findings', { token: t })).status).toBe(401);
  });

  it('sessions: HttpOnly SameSite=Strict cookie, CSRF on writes, idle timeout', async () => {
    const { res, cookie, csrf } = await login('alice');
    expect(res.status).toBe(200);
    const set = res.headers.get('set-cookie') ?? '';
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Strict/i);
    expect(set).not.toMatch(/Secure/i);
    expect((await call('GET', '/api/v1/findings', { cookie })).status).toBe(200);
    const filter = { filter: { type: 'Recon:*' } };
    expect((await call('POST', '/api/v1/suppressions/preview', { cookie, body: filter })).status).toBe(403);
    expect(
      (await call('POST', '/api/v1/suppressions/preview', { cookie, body: filter, csrf: 'forged' })).status,
    ).toBe(403);
    const ok = await call('POST', '/api/v1/suppressions/preview', { cookie, body: filter, csrf });
    expect(ok.status).toBe(200);
    expect(ok.body['wouldArchive']).toBe(15);
    clock.advance(31 * 60_000);
    const late = await call('GET', '/api/v1/findings', { cookie });
    expect(late.status).toBe(401);
    expect(String(late.body['error'])).toContain('idle');
  });

  it('locks a user out after repeated failures, even with the right password', async () => {
    clock.advance(61_000); // a fresh login rate-limit window
    for (let i = 0; i < 5; i++) {
      const r = await call('POST', '/api/v1/auth/login', {
        body: { user: 'vera', password: 'wrong-password-guess' },
      });
      expect(r.status).toBe(401);
    }
    expect((await login('vera')).res.status).toBe(401);
    clock.advance(16 * 60_000);
    expect((await login('vera')).res.status).toBe(200);
    const audit = await call('GET', '/api/v1/audit?limit=20', { token: tokens.admin });
    const entries = audit.body['items'] as {
      action: string;
      actor: string;
      outcome: string;
      ip: string;
      detail: { locked?: boolean } | null;
    }[];
    expect(
      entries.some(
        (e) =>
          e.action === 'login' && e.actor === 'vera' && e.outcome === 'failed' && e.detail?.locked === true,
      ),
    ).toBe(true);
    expect(
      entries.some(
        (e) => e.action === 'login' && e.actor === 'vera' && e.outcome === 'ok' && e.ip.includes('127.0.0.1'),
      ),
    ).toBe(true);
  });

  it('rate-limits sign-in attempts per address', async () => {
    clock.advance(61_000);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push(
        (await call('POST', '/api/v1/auth/login', { body: { user: 'nobody', password: 'x' } })).status,
      );
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it('admins enrol TOTP before anything else, then need a fresh code at sign-in', async () => {
    clock.advance(61_000);
    const first = await login('root');
    expect(first.res.body['mustEnrollTotp']).toBe(true);
    expect((await call('GET', '/api/v1/users', { cookie: first.cookie })).status).toBe(403);
    const enrol = await call('POST', '/api/v1/auth/totp/enroll', { cookie: first.cookie, csrf: first.csrf });
    const secret = String(enrol.body['secret']);
    expect(String(enrol.body['otpauthUri'])).toContain(`secret=${secret}`);
    expect(
      (
        await call('POST', '/api/v1/auth/totp/confirm', {
          cookie: first.cookie,
          csrf: first.csrf,
          body: { code: '000000' === totpCode(secret, clock.now()) ? '111111' : '000000' },
        })
      ).status,
    ).toBe(400);
    const confirm = await call('POST', '/api/v1/auth/totp/confirm', {
      cookie: first.cookie,
      csrf: first.csrf,
      body: { code: totpCode(secret, clock.now()) },
    });
    expect(confirm.status).toBe(200);
    expect((await call('GET', '/api/v1/users', { cookie: first.cookie })).status).toBe(200);
    expect((await login('root')).res.status).toBe(401); // no code
    expect((await login('root', totpCode(secret, clock.now()))).res.status).toBe(401); // replayed step
    clock.advance(30_000);
    const second = await login('root', totpCode(secret, clock.now()));
    expect(second.res.status).toBe(200);
    expect(second.res.body['mustEnrollTotp']).toBe(false);
  });

  it('lists findings with filters, sort and pages; archives; 404 for unknown ids', async () => {
    const page = await call('GET', '/api/v1/findings?type=Recon:*&sort=severity&order=asc&limit=5&offset=5', {
      token: tokens.viewer,
    });
    expect(page.body['total']).toBe(15);
    const items = page.body['items'] as { id: string; severity: number }[];
    expect(items).toHaveLength(5);
    expect(items.map((f) => f.severity)).toEqual([...items.map((f) => f.severity)].sort((a, b) => a - b));
    expect((await call('GET', '/api/v1/findings/f03', { token: tokens.viewer })).body['id']).toBe('f03');
    expect((await call('GET', '/api/v1/findings/nope', { token: tokens.viewer })).status).toBe(404);
    const bad = await call('GET', '/api/v1/findings?limit=0', { token: tokens.viewer });
    expect(bad.status).toBe(400);
    expect(String(bad.body['error'])).toContain('query.limit');
    const arch = await call('POST', '/api/v1/findings/archive', {
      token: tokens.analyst,
      body: { ids: ['f03', 'zz'] },
    });
    expect(arch.body).toEqual({ archived: ['f03'], unknown: ['zz'] });
    expect(
      (await call('GET', '/api/v1/findings?status=archived', { token: tokens.viewer })).body['total'],
    ).toBe(1);
  });

  it('suppression rules: add archives retroactively, remove restores', async () => {
    const add = await call('POST', '/api/v1/suppressions', {
      token: tokens.analyst,
      body: { filter: { type: 'UnauthorizedAccess:*', maxSeverity: 3 }, reason: 'lab' },
    });
    expect(add.status).toBe(201);
    const archived = Number(add.body['archived']);
    expect(archived).toBeGreaterThan(0);
    const id = String((add.body['rule'] as { id: string }).id);
    expect(
      ((await call('GET', '/api/v1/suppressions', { token: tokens.viewer })).body['items'] as unknown[])
        .length,
    ).toBe(1);
    expect(
      (await call('DELETE', `/api/v1/suppressions/${id}`, { token: tokens.analyst })).body['restored'],
    ).toBe(archived);
  });

  it('the writer appends while queries and stats see the rows (one instance, locked sandbox settings)', async () => {
    const t = Date.parse('2026-11-20T10:00:00Z') / 1000;
    await server.deps.flows.appendFlows(
      batchOf([
        { t, src: '198.51.100.7', dst: '10.0.0.1', sport: 40000, dport: 22, bytes: 500 },
        { t: t + 1, src: '198.51.100.7', dst: '10.0.0.1', sport: 40001, dport: 22, bytes: 700 },
        { t: t + 400, src: '192.0.2.1', dst: '10.0.0.2', sport: 40002, dport: 443, bytes: 100 },
      ]),
    );
    await server.deps.flows.flush();
    const range = 'from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z';
    const ports = await call('GET', `/api/v1/stats/top-ports?${range}`, { token: tokens.viewer });
    expect(ports.body['items']).toEqual([
      { proto: 6, dst_port: 22, flows: 2, bytes: 1200 },
      { proto: 6, dst_port: 443, flows: 1, bytes: 100 },
    ]);
    const talkers = await call('GET', `/api/v1/stats/top-talkers?${range}&limit=1`, { token: tokens.viewer });
    expect(talkers.body['items']).toEqual([{ src_ip: '198.51.100.7', bytes: 1200, flows: 2 }]);
    const series = await call('GET', `/api/v1/stats/timeseries?${range}&bucketSeconds=300`, {
      token: tokens.viewer,
    });
    expect((series.body['points'] as { flows: number }[]).map((p) => p.flows)).toEqual([2, 1]);
    const q = await call('POST', '/api/v1/query', {
      token: tokens.viewer,
      body: { query: 'SELECT count(*) FROM flows' },
    });
    expect(q.body['rows']).toEqual([[3]]);
  });

  it('queries are read-only, sandboxed and keep access-control tables out', async () => {
    const ok = await call('POST', '/api/v1/query', {
      token: tokens.viewer,
      body: { query: 'SELECT count(*) AS n FROM findings' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body['rows']).toEqual([[30]]);
    const pipe = await call('POST', '/api/v1/query', {
      token: tokens.viewer,
      body: { query: 'filter dst_port = 22 | stats count(*) by src_ip' },
    });
    expect(pipe.status).toBe(200);
    expect(String(pipe.body['sql'])).toContain('SELECT');
    for (const q of [
      'DELETE FROM findings',
      'SELECT 1; DROP TABLE findings',
      "SELECT * FROM read_csv('/etc/passwd')",
      "COPY findings TO '/tmp/x.csv'",
      'SET lock_configuration = false',
    ]) {
      const r = await call('POST', '/api/v1/query', { token: tokens.admin, body: { query: q } });
      expect(r.status, q).toBe(400);
    }
    expect(
      (
        await call('POST', '/api/v1/query', {
          token: tokens.admin,
          body: { query: 'SELECT * FROM auth_users' },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call('POST', '/api/v1/query', {
          token: tokens.viewer,
          body: { query: 'SELECT count(*) FROM findings' },
        })
      ).body['rows'],
    ).toEqual([[30]]);
  });

  it('maps errors: bad JSON 400, too large 413, unknown route 404, never internals', async () => {
    const bad = await call('POST', '/api/v1/query', { token: tokens.viewer, raw: '{nope' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'the request body is not valid JSON' });
    const big = await call('POST', '/api/v1/query', {
      token: tokens.viewer,
      raw: JSON.stringify({ query: 'x'.repeat(10_000) }),
    });
    expect(big.status).toBe(413);
    expect((await call('GET', '/api/v1/nothing-here', { token: tokens.viewer })).status).toBe(404);
  });

  it('serves the OpenAPI document and Prometheus metrics', async () => {
    const doc = await call('GET', OPENAPI_PATH, { token: tokens.viewer });
    expect(doc.body['openapi']).toBe('3.1.0');
    expect(Object.keys(doc.body['paths'] as object)).toContain('/api/v1/findings/{id}');
    expect((await call('GET', OPENAPI_ALIAS, { token: tokens.viewer })).body).toEqual(doc.body);
    const page = await fetch(`${server.url}${OPENAPI_PAGE}`, {
      headers: { authorization: `Bearer ${tokens.viewer}` },
    });
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<code>/api/v1/suppressions/{id}</code>');
    expect(html).not.toContain('<script');
    const r = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${tokens.admin}` } });
    const text = await r.text();
    expect(r.status).toBe(200);
    expect(text).toMatch(/sakura_guard_http_requests_total\{route="\/api\/v1\/findings",status="200"\} \d+/);
    expect(text).toMatch(/sakura_guard_findings\{severity="medium",status="active"\} \d+/);
    expect(text).toMatch(/sakura_guard_logins_total\{outcome="failed"\} \d+/);
  });

  it('CLI commands can find the running server and its local token through the data directory', async () => {
    const found = findRunningServer(dir);
    expect(found?.url).toBe(server.url);
    expect(found?.pid).toBe(process.pid);
    secrets.push(found?.token ?? '');
    const me = await call('GET', '/api/v1/auth/me', { token: found?.token ?? '' });
    expect(me.body).toMatchObject({ user: '(local cli)', role: 'admin', via: 'token' });
  });

  it('never writes secrets to the log', () => {
    const all = logs.join('');
    expect(all.length).toBeGreaterThan(0);
    expect(all).toContain('request completed');
    for (const s of [...secrets, ...Object.values(PASSWORDS)]) {
      expect(s.length).toBeGreaterThan(10);
      expect(all.includes(s), 'a secret is in the log').toBe(false);
    }
  });
});
