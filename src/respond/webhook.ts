// The webhook responder: tells another system (a SOAR, an edge firewall's API) to block or
// unblock an address. Same signature scheme as the webhook alert channel (sinks/webhook.ts):
// HMAC-SHA256 over `${timestamp}.${body}` in X-Sakura-Guard-Signature.

import type { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import { postJson } from '../sinks/http.ts';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from '../sinks/webhook.ts';
import type { webhookResponderSchema } from './config.ts';
import type { Responder, ResponseTarget } from './responder.ts';

type WebhookResponderOptions = z.infer<typeof webhookResponderSchema>;

export function createWebhookResponder(o: WebhookResponderOptions, clock: Clock): Responder {
  const send = (action: 'block' | 'unblock', t: ResponseTarget): Promise<void> => {
    const body = JSON.stringify({
      version: 1,
      action,
      actionId: t.actionId,
      ip: t.ip,
      findingId: t.findingId,
      findingType: t.findingType,
      expiresAt: new Date(t.expiresAtMs).toISOString(),
    });
    const ts = Math.floor(clock.now() / 1000);
    return postJson({
      url: o.url,
      body,
      timeoutMs: o.timeoutMs,
      headers: {
        [TIMESTAMP_HEADER]: String(ts),
        [SIGNATURE_HEADER]: signWebhook(o.secret, ts, body),
        [DELIVERY_HEADER]: `${t.actionId}-${action}`,
      },
    });
  };
  return {
    name: o.name,
    kind: 'webhook',
    describe: (t) => `POST a signed "block ${t.ip}" request to ${new URL(o.url).origin}`,
    async apply(t) {
      await send('block', t);
      return {};
    },
    async undo(t) {
      await send('unblock', t);
    },
  };
}
