// Alert routes over real HTTP: channels with secrets redacted, routes, a test message to a real
// receiver on 127.0.0.1, the delivery log, dead letters and re-queueing them.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAlertingConfig } from '../../alerts/config.ts';
import { createDuckDbOutbox } from '../../alerts/duckdb-outbox.ts';
import { entry } from '../../alerts/outbox.contract.ts';
import { startHttpReceiver, type HttpReceiver } from '../../sinks/test-receivers.ts';
import { startTestServer, type TestServer } from '../test-server.ts';

let t: TestServer;
let receiver: HttpReceiver;
const SECRET = 'a-webhook-secret-of-some-length';

beforeAll(async () => {
  receiver = await startHttpReceiver();
  t = await startTestServer((config) => {
    config.alerting = parseAlertingConfig({
      channels: [
        { name: 'hook', kind: 'webhook', url: receiver.url, secret: SECRET },
        { name: 'down', kind: 'webhook', url: 'http://127.0.0.1:1/hook/x', secret: SECRET, timeoutMs: 2000 },
      ],
      routes: [{ name: 'everything', minSeverity: 'low', channels: ['hook'] }],
    });
  });
  const outbox = await createDuckDbOutbox(await t.server.deps.connect());
  await outbox.enqueue(
    entry('dead-1', { channel: 'down', status: 'dead', attempts: 50, lastError: 'refused' }),
  );
  await outbox.enqueue(entry('live-1', { channel: 'hook' }));
  await outbox.logDelivery({
    at: 1000,
    entryId: 'dead-1',
    channel: 'down',
    attempt: 50,
    ok: false,
    error: 'refused',
    outcome: 'dead',
  });
  await outbox.logDelivery({
    at: 2000,
    entryId: 'x',
    channel: 'hook',
    attempt: 1,
    ok: true,
    error: null,
    outcome: 'delivered',
  });
});

afterAll(async () => {
  await t?.close();
  await receiver?.stop();
});

describe('alert routes', () => {
  it('lists channels without their secrets, with the routes feeding them', async () => {
    const r = await t.call('GET', '/api/v1/alerts/channels', 'analyst');
    expect(r.status).toBe(200);
    expect(r.text).not.toContain(SECRET);
    expect(r.text).not.toContain('secret-path');
    const [hook, down] = r.body['items'] as Record<string, unknown>[];
    expect(hook).toMatchObject({
      name: 'hook',
      kind: 'webhook',
      secret: '(redacted)',
      routes: ['everything'],
    });
    expect(down?.['routes']).toEqual([]);
    const routes = await t.call('GET', '/api/v1/alerts/routes', 'analyst');
    expect(routes.body['items']).toMatchObject([{ name: 'everything', channels: ['hook'] }]);
    expect((await t.call('GET', '/api/v1/alerts/channels', 'viewer')).status).toBe(403);
  });

  it('sends a test message to a channel and says whether it arrived', async () => {
    const ok = await t.call('POST', '/api/v1/alerts/channels/hook/test', 'admin', {});
    expect(ok.body).toEqual({ ok: true, error: null });
    expect(receiver.requests.at(-1)?.body).toContain('Test:Alert/Delivery');
    const failed = await t.call('POST', '/api/v1/alerts/channels/down/test', 'admin', {});
    expect(failed.body['ok']).toBe(false);
    expect(String(failed.body['error'])).not.toContain('/hook/x');
    expect((await t.call('POST', '/api/v1/alerts/channels/nope/test', 'admin', {})).status).toBe(404);
    expect((await t.call('POST', '/api/v1/alerts/channels/hook/test', 'analyst', {})).status).toBe(403);
  });

  it('shows the delivery log and dead letters, and re-queues them', async () => {
    const log = await t.call('GET', '/api/v1/alerts/deliveries', 'analyst');
    expect((log.body['items'] as { entryId: string }[]).map((d) => d.entryId)).toEqual(['x', 'dead-1']);
    const down = await t.call('GET', '/api/v1/alerts/deliveries?channel=down', 'analyst');
    expect(down.body['items']).toMatchObject([
      { entryId: 'dead-1', ok: false, at: '1970-01-01T00:00:01.000Z' },
    ]);
    const dead = await t.call('GET', '/api/v1/alerts/dead-letters', 'analyst');
    expect(dead.body['items']).toMatchObject([
      { id: 'dead-1', channel: 'down', attempts: 50, lastError: 'refused' },
    ]);
    const again = await t.call('POST', '/api/v1/alerts/dead-letters/requeue', 'admin', { channel: 'down' });
    expect(again.body).toEqual({ requeued: 1 });
    expect((await t.call('GET', '/api/v1/alerts/dead-letters', 'analyst')).body['items']).toEqual([]);
  });
});
