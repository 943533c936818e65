// The Sakura Cloud IaaS API client: `{root}/{zone}/api/cloud/1.1/{path}`, HTTP Basic auth with
// the access token and secret, the official client's headers, at most `rateLimitPerSecond`
// requests per second, retries on 423 (locked) and 503 (busy) with exponential back-off, and
// one log line per request that never holds a credential (SAKURA.md §1, §6).

import { errorMessage } from '../core/errors.ts';
import type { ApiErrorJson } from './types.ts';
import type { SakuraSettings } from './settings.ts';

export interface SakuraClientOptions {
  settings: SakuraSettings;
  rateLimitPerSecond: number;
  retryMax: number;
  timeoutMs: number;
  /** Receives one line per request: method, path, status, attempt. Never credentials. */
  log?: (line: string) => void;
  /** Injected for tests: the limiter's and back-off's notion of time. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** First retry delay; doubles per attempt up to 64 s (iaas-api-go's bounds). */
  retryBaseMs?: number;
}

export class SakuraApiError extends Error {
  readonly status: number;
  readonly errorCode: string | null;
  constructor(message: string, status: number, errorCode: string | null) {
    super(message);
    this.name = 'SakuraApiError';
    this.status = status;
    this.errorCode = errorCode;
  }
}

const RETRY_STATUS = new Set([423, 503]);
const MAX_RETRY_DELAY_MS = 64_000;

export interface SakuraClient {
  readonly zones: readonly string[];
  request<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    zone: string,
    path: string,
    body?: unknown,
  ): Promise<T>;
  /** Every resource of a collection, paged with `{From, Count}`. */
  findAll<T>(zone: string, path: string, key: string, filter?: Record<string, unknown>): Promise<T[]>;
  /** Requests sent (attempts included), for tests and metrics. */
  readonly sent: number;
}

export function createSakuraClient(o: SakuraClientOptions): SakuraClient {
  const now = o.now ?? (() => Date.now());
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const interval = 1000 / o.rateLimitPerSecond;
  const auth = `Basic ${Buffer.from(`${o.settings.accessToken}:${o.settings.accessTokenSecret}`).toString('base64')}`;
  const log = o.log ?? (() => {});
  let nextSlot = 0;
  let sent = 0;

  /** Leaky bucket: request n may start no earlier than interval × n after the first. */
  const slot = async (): Promise<void> => {
    const t = now();
    const at = Math.max(t, nextSlot);
    nextSlot = at + interval;
    if (at > t) await sleep(at - t);
  };

  const once = async (method: string, url: string, body: string | undefined): Promise<Response> => {
    await slot();
    sent++;
    return fetch(url, {
      method,
      headers: {
        authorization: auth,
        'x-requested-with': 'XMLHttpRequest',
        'x-sakura-bigint-as-int': '1',
        'content-type': 'application/json',
      },
      body,
      signal: AbortSignal.timeout(o.timeoutMs),
    });
  };

  const request = async <T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    zone: string,
    path: string,
    body?: unknown,
  ): Promise<T> => {
    // GET parameters travel as JSON after `?` (iaas-api-go newRequest); percent-encoded here.
    const query =
      method === 'GET' && body !== undefined ? `?${encodeURIComponent(JSON.stringify(body))}` : '';
    const shown = `${method} /${zone}/api/cloud/1.1/${path}`;
    const url = `${o.settings.apiRootUrl}/${zone}/api/cloud/1.1/${path}${query}`;
    const payload = method !== 'GET' && body !== undefined ? JSON.stringify(body) : undefined;
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await once(method, url, payload);
      } catch (e) {
        log(`sakura api ${shown} failed: ${errorMessage(e)} (attempt ${attempt})`);
        throw new SakuraApiError(`${shown} failed: ${errorMessage(e)}`, 0, null);
      }
      const text = await res.text();
      log(`sakura api ${shown} -> ${res.status} (attempt ${attempt})`);
      if (res.ok) return (text === '' ? {} : JSON.parse(text)) as T;
      if (RETRY_STATUS.has(res.status) && attempt <= o.retryMax) {
        await sleep(Math.min(MAX_RETRY_DELAY_MS, (o.retryBaseMs ?? 1000) * 2 ** (attempt - 1)));
        continue;
      }
      let err: ApiErrorJson = {};
      try {
        err = JSON.parse(text) as ApiErrorJson;
      } catch {
        // a proxy's HTML error page: keep the status only
      }
      const code = typeof err.error_code === 'string' ? err.error_code : null;
      const msg = typeof err.error_msg === 'string' ? err.error_msg.slice(0, 300) : `HTTP ${res.status}`;
      throw new SakuraApiError(
        `${shown} answered ${res.status}${code ? ` ${code}` : ''}: ${msg}`,
        res.status,
        code,
      );
    }
  };

  return {
    zones: o.settings.zones,
    request,
    async findAll<T>(
      zone: string,
      path: string,
      key: string,
      filter?: Record<string, unknown>,
    ): Promise<T[]> {
      const out: T[] = [];
      const count = 100;
      for (let from = 0; ; from += count) {
        const page = await request<Record<string, unknown>>('GET', zone, path, {
          From: from,
          Count: count,
          ...(filter ? { Filter: filter } : {}),
        });
        const items = Array.isArray(page[key]) ? (page[key] as T[]) : [];
        out.push(...items);
        const total = typeof page.Total === 'number' ? page.Total : out.length;
        if (items.length === 0 || out.length >= total) return out;
      }
    },
    get sent() {
      return sent;
    },
  };
}
