// Alert channels and routes written through the API, over real HTTP with real receivers on
// 127.0.0.1: the file's are read-only, the API's are stored encrypted, secrets are never answered
// nor audited, and the running router uses a change at once.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningServer } from '../../cli/server-client.ts';
import { defaultConfig } from '../../config/schema.ts';
import { manualClock } from '../../core/clock.ts';
import { startServer } from '../../server/serve.ts';
import { parseAlertingConfig } from '../../alerts/config.ts';
import { makeFinding } from '../../alerts/test-findings.ts';
import { startHttpReceiver, waitFor, type HttpReceiver } from '../../sinks/test-receivers.ts';
import { startTestServer, type TestServer } from '../test-server.ts';

let t: TestServer;
let fileHook: HttpReceiver;
let apiHook: HttpReceiver;
const FILE_SECRET = 'a-webhook-secret-of-some-length';
const API_SECRET = 'the-api-channel-secret-9f3a2c';

beforeAll(async () => {
  fileHook = await startHttpReceiver();
  apiHook = await startHttpReceiver();
  t = await startTestServer((config) => {
    config.alerting = parseAlertingConfig({
      channels: [{ name: 'hook', kind: 'webhook', url: fileHook.url, secret: FILE_SECRET }],
      routes: [{ name: 'critical', minSeverity: 'critical', channels: ['hook'] }],
    });
  });
});

afterAll(async () => {
  await t?.close();
  await fileHook?.stop();
  await apiHook?.stop();
});

const apiChannel = { name: 'ops', kind: 'webhook', url: '', secret: API_SECRET };

describe('alert channels and routes written through the API', () => {
  it('adds a channel and a route that the running router uses at once; secrets stay write-only', async () => {
    const channel = { ...apiChannel, url: `${apiHook.url}/ops-${API_SECRET}` };
    expect((await t.call('POST', '/api/v1/alerts/channels', 'analyst', channel)).status).toBe(403);
    const added = await t.call('POST', '/api/v1/alerts/channels', 'admin', channel);
    expect(added.status).toBe(201);
    expect(added.text).not.toContain(API_SECRET);
    const route = { name: 'ops-high', minSeverity: 'high', channels: ['ops'] };
    expect((await t.call('POST', '/api/v1/alerts/routes', 'admin', route)).status).toBe(201);

    const channels = await t.call('GET', '/api/v1/alerts/channels', 'analyst');
    expect(channels.text).not.toContain(API_SECRET);
    const items = channels.body['items'] as {
      name: string;
      source: string;
      readOnly: boolean;
      routes: string[];
    }[];
    expect(items.map((c) => [c.name, c.source, c.readOnly, c.routes])).toEqual([
      ['hook', 'config', true, ['critical']],
      ['ops', 'api', false, ['ops-high']],
    ]);
    const routes = (await t.call('GET', '/api/v1/alerts/routes', 'analyst')).body['items'] as {
      name: string;
      source: string;
    }[];
    expect(routes.map((r) => [r.name, r.source])).toEqual([
      ['critical', 'config'],
      ['ops-high', 'api'],
    ]);

    // A high finding goes to the API's channel (the file's route wants critical ones only).
    const server = t.server;
    await server.deps.findingEvents.publish(makeFinding({ id: 'f-high', severity: 8 }), 'new');
    await server.alerting?.settle();
    await waitFor(() => apiHook.requests.length > 0);
    expect(apiHook.requests[0]?.body).toContain('f-high');
    expect(fileHook.requests).toHaveLength(0);

    // Stored encrypted; the audit log names the change, never the secret.
    const rows = await server.deps.flows.all('SELECT body FROM alert_settings');
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows)).not.toContain(API_SECRET);
    expect(JSON.stringify(rows)).not.toContain('ops-high');
    const audit = await t.call('GET', '/api/v1/audit', 'admin');
    const actions = (audit.body['items'] as { action: string; target: string }[]).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['alert.channel.put', 'alert.route.put']));
    expect(audit.text).not.toContain(API_SECRET);

    // The test message reaches the API's channel too.
    const test = await t.call('POST', '/api/v1/alerts/channels/ops/test', 'admin', {});
    expect(test.body).toMatchObject({ ok: true, error: null });
  });

  it('keeps the file’s channels and routes read-only and refuses changes that break a route', async () => {
    const clash = await t.call('POST', '/api/v1/alerts/channels', 'admin', {
      ...apiChannel,
      name: 'hook',
      url: apiHook.url,
    });
    expect(clash.status).toBe(409);
    expect(clash.body['error']).toContain('read-only');
    expect((await t.call('DELETE', '/api/v1/alerts/routes/critical', 'admin')).status).toBe(409);
    const dangling = await t.call('POST', '/api/v1/alerts/routes', 'admin', {
      name: 'nowhere',
      channels: ['no-such-channel'],
    });
    expect(dangling.status).toBe(400);
    expect(dangling.body['error']).toContain('no-such-channel');
    const busy = await t.call('DELETE', '/api/v1/alerts/channels/ops', 'admin');
    expect(busy.status).toBe(409);
    expect(busy.body['error']).toContain('ops-high');
  });

  it('removes the API’s route and channel, and the router stops sending there', async () => {
    expect((await t.call('DELETE', '/api/v1/alerts/routes/ops-high', 'admin')).status).toBe(200);
    expect((await t.call('DELETE', '/api/v1/alerts/channels/ops', 'admin')).status).toBe(200);
    expect((await t.call('DELETE', '/api/v1/alerts/channels/ops', 'admin')).status).toBe(404);
    const names = (
      (await t.call('GET', '/api/v1/alerts/channels', 'admin')).body['items'] as { name: string }[]
    ).map((c) => c.name);
    expect(names).toEqual(['hook']);
    const before = apiHook.requests.length;
    await t.server.deps.findingEvents.publish(makeFinding({ id: 'f-crit', severity: 9.5 }), 'new');
    await t.server.alerting?.settle();
    await waitFor(() => fileHook.requests.length > 0);
    expect(fileHook.requests[0]?.body).toContain('f-crit');
    expect(apiHook.requests).toHaveLength(before);
  });
});

describe('alert channels written through the API, across a restart', () => {
  it('are read back at start, decrypted, and used by the router', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sg-alert-settings-'));
    const receiver = await startHttpReceiver();
    const start = () => {
      const config = defaultConfig();
      config.server.port = 0;
      return startServer({
        config,
        dataDir: dir,
        clock: manualClock(Date.UTC(2026, 10, 23)),
        version: 't',
        logStream: false,
      });
    };
    try {
      const first = await start();
      await runningServer(dir)!.request('POST', '/api/v1/alerts/channels', {
        name: 'ops',
        kind: 'webhook',
        url: receiver.url,
        secret: API_SECRET,
      });
      await runningServer(dir)!.request('POST', '/api/v1/alerts/routes', { name: 'all', channels: ['ops'] });
      await first.close();

      const second = await start();
      try {
        expect(second.alerting?.effective.config.channels.map((c) => c.name)).toEqual(['ops']);
        await second.deps.findingEvents.publish(makeFinding({ id: 'f-after-restart', severity: 5 }), 'new');
        await second.alerting?.settle();
        await waitFor(() => receiver.requests.length > 0);
        expect(receiver.requests[0]?.body).toContain('f-after-restart');
      } finally {
        await second.close();
      }
    } finally {
      await receiver.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
