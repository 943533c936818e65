// The one HTTP POST all webhook-style sinks use: JSON body, a timeout, and a classification of
// failures into retryable (network errors, timeouts, 408, 425, 429, 5xx) or permanent.

import { errorMessage } from '../core/errors.ts';
import { checkEgress } from './egress.ts';
import { SinkError } from './sink.ts';

export interface PostOptions {
  url: string;
  body: string;
  headers?: Record<string, string>;
  timeoutMs: number;
}

const RETRYABLE_STATUS = new Set([408, 425, 429]);

export async function postJson(o: PostOptions): Promise<void> {
  await checkEgress(o.url);
  let res: Response;
  try {
    res = await fetch(o.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...o.headers },
      body: o.body,
      signal: AbortSignal.timeout(o.timeoutMs),
    });
  } catch (e) {
    throw new SinkError(`POST ${redact(o.url)} failed: ${errorMessage(e)}`, { retryable: true, cause: e });
  }
  // Read the body so the connection is released; keep a little of it for the delivery log.
  const text = await res.text().catch(() => '');
  if (res.ok) return;
  const retryable = res.status >= 500 || RETRYABLE_STATUS.has(res.status);
  throw new SinkError(`POST ${redact(o.url)} answered ${res.status}: ${text.slice(0, 200)}`, { retryable });
}

/** Webhook URLs carry their secret in the path: never log more than the origin. */
export function redact(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return '(invalid url)';
  }
}
