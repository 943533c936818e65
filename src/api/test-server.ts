// Test helper: a real `serve` on 127.0.0.1 (ephemeral port) in a temporary data directory, with
// one API token per role and a small fetch wrapper. The route tests beside the routes use it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock } from '../core/clock.ts';
import { defaultConfig, type SakuraGuardConfig } from '../config/schema.ts';
import { startServer, type RunningServer } from '../server/serve.ts';
import { ROLES, type Role } from './permissions.ts';

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (an empty object when it is not JSON). */
  body: Record<string, unknown>;
}

export interface TestServer {
  server: RunningServer;
  dataDir: string;
  clock: ReturnType<typeof manualClock>;
  tokens: Record<Role, string>;
  /** Calls the server as `role` (no credentials with null), or with a token of one's own. */
  call(
    method: string,
    path: string,
    role: Role | null | { token: string },
    body?: unknown,
  ): Promise<TestResponse>;
  /** Adds a user with `role`, signs them in and returns the session cookie and CSRF token. */
  userSession(name: string, role: Role): Promise<{ cookie: string; csrf: string }>;
  /** Adds a user with `role` and returns an API token they own (made through their session). */
  userToken(name: string, role: Role): Promise<string>;
  close(): Promise<void>;
}

export const TEST_NOW = Date.parse('2026-11-23T12:00:00Z');

export async function startTestServer(
  configure: (config: SakuraGuardConfig, dataDir: string) => void = () => undefined,
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sg-api-'));
  const config = defaultConfig();
  config.server.port = 0;
  configure(config, dataDir);
  const clock = manualClock(TEST_NOW);
  let bootstrap = '';
  const server = await startServer({
    config,
    dataDir,
    clock,
    version: 'test',
    logStream: false,
    onBootstrapToken: (t) => {
      bootstrap = t;
    },
  });
  const send = async (method: string, path: string, token: string | null, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(server.url + path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    let parsed: Record<string, unknown> = {};
    try {
      const v: unknown = JSON.parse(text);
      if (typeof v === 'object' && v !== null) parsed = v as Record<string, unknown>;
    } catch {
      // not JSON (CSV, HTML): `text` has it
    }
    return { status: r.status, headers: r.headers, text, body: parsed };
  };
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    const r = await send('POST', '/api/v1/tokens', bootstrap, { name: `${role} token`, role });
    if (r.status !== 201) throw new Error(`cannot create a ${role} token: ${r.text}`);
    tokens[role] = String(r.body['token']);
  }
  const userSession = async (name: string, role: Role): Promise<{ cookie: string; csrf: string }> => {
    const password = `${name}-password-123456`;
    const added = await send('POST', '/api/v1/users', tokens.admin, { name, role, password });
    if (added.status !== 201) throw new Error(`cannot add ${name}: ${added.text}`);
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: name, password }),
    });
    const session = (await login.json()) as { csrfToken?: unknown };
    return {
      cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
      csrf: String(session.csrfToken),
    };
  };
  return {
    server,
    userSession,
    dataDir,
    clock,
    tokens,
    call: (method, path, role, body) =>
      send(method, path, role === null ? null : typeof role === 'object' ? role.token : tokens[role], body),
    async userToken(name, role) {
      const { cookie, csrf } = await userSession(name, role);
      const r = await fetch(`${server.url}/api/v1/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
        body: JSON.stringify({ name: `${name}'s token` }),
      });
      if (r.status !== 201) throw new Error(`cannot create a token for ${name}: ${await r.text()}`);
      return String(((await r.json()) as { token: unknown }).token);
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
