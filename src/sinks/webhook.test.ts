import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { findingMessage } from '../alerts/test-findings.ts';
import { startHttpReceiver, type HttpReceiver } from './test-receivers.ts';
import {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  createWebhookSink,
  signWebhook,
  verifyWebhook,
  webhookOptions,
} from './webhook.ts';

const SECRET = 'a-shared-secret-of-some-length';
const NOW = Date.parse('2026-11-20T00:00:00Z');

describe('webhook sink', () => {
  let rx: HttpReceiver;
  beforeAll(async () => {
    // The receiver refuses (401) anything whose signature does not verify.
    rx = await startHttpReceiver((r) => {
      const ok = verifyWebhook(
        SECRET,
        { timestamp: String(r.headers[TIMESTAMP_HEADER]), signature: String(r.headers[SIGNATURE_HEADER]) },
        r.body,
        NOW / 1000,
      );
      return ok ? undefined : 401;
    });
  });
  afterAll(() => rx.stop());

  it('signs timestamp.body with HMAC-SHA256 (known vector)', () => {
    // echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'a-shared-secret-of-some-length'
    expect(signWebhook(SECRET, 1700000000, '{"a":1}')).toBe(
      'v1=0dcfc1e6d651b70f502c376a75cef0f2eb4bf1df915cd0d846b4572215d0984a',
    );
  });

  it('verification rejects a changed body, a wrong secret and an old timestamp', () => {
    const body = '{"x":1}';
    const sig = signWebhook(SECRET, 1000, body);
    expect(verifyWebhook(SECRET, { timestamp: '1000', signature: sig }, body, 1000)).toBe(true);
    expect(verifyWebhook(SECRET, { timestamp: '1000', signature: sig }, '{"x":2}', 1000)).toBe(false);
    expect(verifyWebhook('another-secret-0123456', { timestamp: '1000', signature: sig }, body, 1000)).toBe(
      false,
    );
    expect(verifyWebhook(SECRET, { timestamp: '1000', signature: sig }, body, 1000 + 301)).toBe(false);
    expect(verifyWebhook(SECRET, { timestamp: undefined, signature: sig }, body, 1000)).toBe(false);
  });

  it('delivers a signed JSON body the receiver verifies', async () => {
    const sink = createWebhookSink(
      webhookOptions.parse({ kind: 'webhook', url: rx.url, secret: SECRET }),
      manualClock(NOW),
    );
    await sink.send(findingMessage({ severity: 8 }), 'delivery-1');
    expect(rx.requests).toHaveLength(1);
    const r = rx.requests[0];
    expect(r?.headers[DELIVERY_HEADER]).toBe('delivery-1');
    expect(r?.headers[TIMESTAMP_HEADER]).toBe(String(NOW / 1000));
    const body = JSON.parse(r?.body ?? '{}') as {
      version: number;
      kind: string;
      finding: { severity: number };
    };
    expect(body).toMatchObject({ version: 1, kind: 'finding', deliveryId: 'delivery-1' });
    expect(body.finding.severity).toBe(8);
    expect(body).toHaveProperty('evidence', { threshold: 15, observed: 40, window: '5m', sample: [] });
  });

  it('a wrong secret is refused by the receiver', async () => {
    const sink = createWebhookSink(
      webhookOptions.parse({ kind: 'webhook', url: rx.url, secret: 'not-the-right-secret' }),
      manualClock(NOW),
    );
    await expect(sink.send(findingMessage(), 'd2')).rejects.toThrow(/401/);
  });

  it('requires a secret of at least 16 characters', () => {
    expect(webhookOptions.safeParse({ kind: 'webhook', url: rx.url, secret: 'short' }).success).toBe(false);
  });
});
