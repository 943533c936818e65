// For tests: a real `serve` in a temporary data directory on a free port, with one API token per
// role made through the bootstrap token, and a small JSON caller. Never used by the product.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROLES, type Role } from '../api/permissions.ts';
import { defaultConfig, type SakuraGuardConfig } from '../config/schema.ts';
import { manualClock } from '../core/clock.ts';
import { startServer, type RunningServer } from './serve.ts';

export interface TestServer {
  server: RunningServer;
  dataDir: string;
  clock: ReturnType<typeof manualClock>;
  tokens: Record<Role, string>;
  /** JSON in and out; `body` undefined sends none. */
  call(
    method: string,
    p: string,
    token: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Closes the server and removes its data directory. */
  stop(): Promise<void>;
}

export async function startTestServer(
  configure: (config: SakuraGuardConfig) => void = () => {},
  startMs = Date.parse('2026-11-23T12:00:00Z'),
): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sg-test-server-'));
  const config = defaultConfig();
  config.server.port = 0;
  configure(config);
  const clock = manualClock(startMs);
  let bootstrap = '';
  let server: RunningServer;
  try {
    server = await startServer({
      config,
      dataDir,
      clock,
      version: 'test',
      logStream: false,
      onBootstrapToken: (t) => {
        bootstrap = t;
      },
    });
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const call: TestServer['call'] = async (method, p, token, body) => {
    const r = await fetch(`${server.url}${p}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    return { status: r.status, body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown> };
  };
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    const r = await call('POST', '/api/v1/tokens', bootstrap, { name: `${role} token`, role });
    tokens[role] = String(r.body.token);
  }
  return {
    server,
    dataDir,
    clock,
    tokens,
    call,
    async stop() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
