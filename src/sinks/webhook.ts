// Generic webhook: a versioned JSON body signed with HMAC-SHA256 over `${timestamp}.${body}`
// (Stripe's scheme: the timestamp in the signed text stops replays of old deliveries).
// Headers: X-Sakura-Guard-Timestamp (Unix seconds), X-Sakura-Guard-Signature (`v1=<hex>`),
// X-Sakura-Guard-Delivery (stable across retries: receivers deduplicate on it).

import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import type { AlertMessage } from '../alerts/message.ts';
import { postJson } from './http.ts';
import { DEFAULT_TIMEOUT_MS, type Sink } from './sink.ts';

export const webhookOptions = z.object({
  kind: z.literal('webhook'),
  url: z.url({ protocol: /^https?$/ }),
  /** Shared secret for the signature; at least 16 characters. */
  secret: z.string().min(16),
  headers: z.record(z.string(), z.string()).default({}),
  timeoutMs: z.number().int().positive().default(DEFAULT_TIMEOUT_MS),
});
export type WebhookOptions = z.infer<typeof webhookOptions>;

export const TIMESTAMP_HEADER = 'x-sakura-guard-timestamp';
export const SIGNATURE_HEADER = 'x-sakura-guard-signature';
export const DELIVERY_HEADER = 'x-sakura-guard-delivery';
export const WEBHOOK_VERSION = 1;

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does (also documented in docs/alerting.md): recompute, compare in constant time. */
export function verifyWebhook(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowSeconds - ts) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, ts, body));
  const given = Buffer.from(headers.signature ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function renderWebhook(m: AlertMessage, deliveryId: string): string {
  return JSON.stringify({ version: WEBHOOK_VERSION, deliveryId, ...m });
}

export function createWebhookSink(o: WebhookOptions, clock: Clock): Sink {
  return {
    kind: 'webhook',
    send: (m, deliveryId) => {
      const body = renderWebhook(m, deliveryId);
      const ts = Math.floor(clock.now() / 1000);
      return postJson({
        url: o.url,
        body,
        timeoutMs: o.timeoutMs,
        headers: {
          ...o.headers,
          [TIMESTAMP_HEADER]: String(ts),
          [SIGNATURE_HEADER]: signWebhook(o.secret, ts, body),
          [DELIVERY_HEADER]: deliveryId,
        },
      });
    },
    close: async () => {},
  };
}
