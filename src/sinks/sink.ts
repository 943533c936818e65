// A sink delivers one alert message to one channel (Slack, e-mail, a webhook, syslog...). Sinks
// do no routing, no retries and no deduplication: the alert router and its outbox do that. A
// sink throws SinkError when delivery failed; `retryable: false` sends the message straight to
// the dead-letter list (a 404 webhook will not heal by itself, a 503 or a refused socket may).

import type { AlertMessage } from '../alerts/message.ts';

export interface Sink {
  readonly kind: string;
  /** Delivers the message or throws. `deliveryId` is stable across retries of one message. */
  send(message: AlertMessage, deliveryId: string): Promise<void>;
  /** Releases sockets and pools. */
  close(): Promise<void>;
}

export class SinkError extends Error {
  readonly retryable: boolean;
  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SinkError';
    this.retryable = options.retryable;
  }
}

export const DEFAULT_TIMEOUT_MS = 10_000;
