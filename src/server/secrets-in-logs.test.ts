// Secrets never reach the logs: a server with debug logging is driven through a login (right and
// wrong password), a token's creation and use, a failing webhook channel carrying a secret in its
// URL and header, and a request with a bogus token; the whole log is then searched for each
// secret.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseAlertingConfig } from '../alerts/config.ts';
import { makeFinding } from '../alerts/test-findings.ts';
import { systemClock } from '../core/clock.ts';
import { defaultConfig } from '../config/schema.ts';
import { startHttpReceiver } from '../sinks/test-receivers.ts';
import { startServer } from './serve.ts';

describe('secrets in logs', () => {
  it('passwords, tokens, cookies and channel secrets never appear in the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-secrets-'));
    const receiver = await startHttpReceiver();
    receiver.status = 500; // the channel fails: its error must not print the secret path
    const log = new PassThrough();
    let text = '';
    log.on('data', (c: Buffer) => (text += c.toString('utf8')));
    const password = 'correct-horse-battery-staple-42';
    const webhookSecret = 'whsec-this-is-the-webhook-secret';
    const config = defaultConfig();
    config.server.port = 0;
    config.log.level = 'debug';
    config.alerting = parseAlertingConfig({
      channels: [{ name: 'hook', kind: 'webhook', url: receiver.url, secret: webhookSecret }],
      routes: [{ minSeverity: 'low', channels: ['hook'] }],
    });
    let bootstrap = '';
    const server = await startServer({
      config,
      dataDir: dir,
      clock: systemClock,
      version: 't',
      logStream: log,
      onBootstrapToken: (t) => (bootstrap = t),
    });
    const secrets: string[] = [password, webhookSecret, bootstrap, 'secret-path'];
    try {
      const json = { 'content-type': 'application/json' };
      const admin = { ...json, authorization: `Bearer ${bootstrap}` };
      expect(
        (
          await fetch(`${server.url}/api/v1/users`, {
            method: 'POST',
            headers: admin,
            body: JSON.stringify({ name: 'ops', role: 'admin', password }),
          })
        ).status,
      ).toBe(201);
      const bad = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ user: 'ops', password: `${password}-wrong` }),
      });
      expect(bad.status).toBe(401);
      secrets.push(`${password}-wrong`);
      const login = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ user: 'ops', password }),
      });
      expect(login.status).toBe(200);
      const cookie = login.headers.get('set-cookie') ?? '';
      const session = /sg_session=([^;]+)/.exec(cookie)?.[1] ?? /=([^;]+)/.exec(cookie)?.[1] ?? '';
      expect(session.length).toBeGreaterThan(10);
      secrets.push(session);
      const bogus = 'sgt_this-token-does-not-exist-0123456789';
      secrets.push(bogus);
      expect(
        (await fetch(`${server.url}/api/v1/findings`, { headers: { authorization: `Bearer ${bogus}` } }))
          .status,
      ).toBe(401);
      // A finding through the alert router to the failing channel.
      await server.deps.findingEvents.publish(makeFinding({ severity: 8 }), 'new');
      await server.alerting?.settle();
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await server.close();
      await receiver.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(text.length).toBeGreaterThan(200); // the log did record the requests
    for (const s of secrets) expect(text.includes(s), `log contains ${s.slice(0, 6)}…`).toBe(false);
  });
});
