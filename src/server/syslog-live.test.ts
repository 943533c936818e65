// Syslog over TCP in a running server: sshd lines sent over loopback TCP are stored in `events`
// (visible through the query API) and make a high SSH brute-force finding (a success after it).

import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { defaultConfig } from '../config/schema.ts';
import { startServer } from './serve.ts';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const a = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return typeof a === 'object' && a !== null ? a.port : 0;
}

async function until(ok: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('timed out');
}

describe('serve: syslog over TCP', () => {
  it('stores sshd events and finds the brute force and the success after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-syslog-tcp-'));
    const clock = manualClock(Date.parse('2026-11-23T12:00:00Z'));
    const config = defaultConfig();
    config.server.port = 0;
    config.inputs.syslog.enabled = true;
    config.inputs.syslog.listen = [{ host: '127.0.0.1', port: 0 }];
    const tcpPort = await freePort();
    config.inputs.syslog.tcpListen = [{ host: '127.0.0.1', port: tcpPort }];
    let token = '';
    const server = await startServer({
      config,
      dataDir: dir,
      clock,
      version: 't',
      logStream: false,
      onBootstrapToken: (t) => {
        token = t;
      },
    });
    try {
      const lines = Array.from(
        { length: 8 },
        (_, i) =>
          `<38>1 2026-11-23T11:59:${String(10 + i).padStart(2, '0')}Z web-1 sshd 4242 - - Failed password for root from 203.0.113.77 port ${50000 + i} ssh2`,
      );
      lines.push(
        '<38>1 2026-11-23T11:59:40Z web-1 sshd 4243 - - Accepted password for root from 203.0.113.77 port 50100 ssh2',
      );
      const sock = connect(tcpPort, '127.0.0.1');
      await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
      sock.end(lines.map((l) => `${Buffer.byteLength(l)} ${l}`).join(''));
      await new Promise<void>((resolve) => sock.once('close', () => resolve()));
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const count = async (): Promise<number> => {
        await server.live.settle();
        const q = await fetch(`${server.url}/api/v1/query`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            query: "SELECT count(*) FROM events WHERE kind = 'auth' AND host = 'web-1'",
          }),
        });
        return ((await q.json()) as { rows: number[][] }).rows[0]?.[0] ?? 0;
      };
      await until(async () => (await count()) === 9);
      clock.advance((600 + config.detection.allowedLatenessSeconds + 60) * 1000);
      await server.live.settle();
      const list = (await (await fetch(`${server.url}/api/v1/findings`, { headers })).json()) as {
        items: { type: string; actor: { ip: string }; severityLabel: string }[];
      };
      expect(list.items.map((f) => [f.type, f.actor.ip, f.severityLabel])).toEqual([
        ['UnauthorizedAccess:Host/SSHBruteForce', '203.0.113.77', 'high'],
      ]);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
