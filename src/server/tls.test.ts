// TLS from certificate and key files: HTTPS answers, HSTS is sent, session cookies are Secure.

import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { defaultConfig } from '../config/schema.ts';
import { hashPassword } from '../api/secrets.ts';
import { startServer } from './serve.ts';
import { findRunningServer } from './discovery.ts';

const CERT = join(import.meta.dirname, 'testdata/localhost.crt');
const KEY = join(import.meta.dirname, 'testdata/localhost.key');

function get(
  url: string,
  path: string,
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method: body === undefined ? 'GET' : 'POST',
        ca: readFileSync(CERT),
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('serve over TLS', () => {
  it('serves HTTPS with HSTS and Secure session cookies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-tls-'));
    const config = defaultConfig();
    config.server.port = 0;
    config.server.tls = { cert: CERT, key: KEY };
    const server = await startServer({
      config,
      dataDir: dir,
      clock: manualClock(1_800_000_000_000),
      version: 't',
      logStream: false,
    });
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const h = await get(server.url, '/healthz');
      expect(h.status).toBe(200);
      expect(h.headers['strict-transport-security']).toContain('max-age=');
      await server.deps.auth.addUser('ann', 'viewer', await hashPassword('ann-password-1234'));
      const login = await get(
        server.url,
        '/api/v1/auth/login',
        JSON.stringify({ user: 'ann', password: 'ann-password-1234' }),
      );
      expect(login.status).toBe(200);
      expect(String(login.headers['set-cookie'])).toMatch(/; Secure/);
      expect(findRunningServer(dir)?.url).toBe(server.url);
    } finally {
      await server.close();
    }
    expect(findRunningServer(dir)).toBeNull(); // the files go at shutdown
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports unreadable certificate files as a user error', async () => {
    const config = defaultConfig();
    config.server.tls = { cert: '/nonexistent.crt', key: '/nonexistent.key' };
    await expect(
      startServer({ config, dataDir: '/nonexistent', clock: manualClock(0), version: 't', logStream: false }),
    ).rejects.toThrow(/TLS certificate or key/);
  });

  it('reports a port in use as a user error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-port-'));
    const config = defaultConfig();
    config.server.port = 0;
    const first = await startServer({
      config,
      dataDir: join(dir, 'a'),
      clock: manualClock(0),
      version: 't',
      logStream: false,
    });
    try {
      const taken = defaultConfig();
      taken.server.port = first.port;
      const second = join(dir, 'b');
      await expect(
        startServer({
          config: taken,
          dataDir: second,
          clock: manualClock(0),
          version: 't',
          logStream: false,
        }),
      ).rejects.toThrow(/cannot listen on 127\.0\.0\.1/);
      const syslogTaken = defaultConfig();
      syslogTaken.server.port = 0;
      syslogTaken.inputs.syslog = {
        ...syslogTaken.inputs.syslog,
        enabled: true,
        listen: [{ host: '127.0.0.1', port: 0 }],
      };
      const withSyslog = await startServer({
        config: syslogTaken,
        dataDir: join(dir, 'c'),
        clock: manualClock(0),
        version: 't',
        logStream: false,
      });
      try {
        const clash = defaultConfig();
        clash.server.port = 0;
        clash.inputs.syslog = {
          ...clash.inputs.syslog,
          enabled: true,
          listen: [{ host: '127.0.0.1', port: withSyslog.live.syslog[0]?.port ?? 0 }],
        };
        await expect(
          startServer({
            config: clash,
            dataDir: join(dir, 'd'),
            clock: manualClock(0),
            version: 't',
            logStream: false,
          }),
        ).rejects.toThrow(/syslog: cannot listen on 127\.0\.0\.1:\d+\/udp/);
      } finally {
        await withSyslog.close();
      }
    } finally {
      await first.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
