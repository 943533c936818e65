// CLI commands and a running server: while `serve` holds the data directory's store (DuckDB lets
// one process open the file), commands that read or change it go through the server's API with
// the local admin token `serve` wrote into the data directory (server/discovery.ts).

import { EXIT_STORE, EXIT_USAGE, UserError, errorMessage } from '../core/errors.ts';
import { findRunningServer } from '../server/discovery.ts';

export interface ServerClient {
  url: string;
  /** Calls the API; a refusal becomes a UserError carrying the server's message and hint. */
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** A GET that answers null on 404 (no such finding, rule...). */
  find<T>(path: string): Promise<T | null>;
}

/** The client for the server that holds `dataDir`, or null when none runs. */
export function runningServer(dataDir: string): ServerClient | null {
  const found = findRunningServer(dataDir);
  if (!found) return null;
  const server = found;
  async function call<T>(method: string, path: string, body: unknown, nullOn404: boolean): Promise<T> {
    let r: Response;
    try {
      r = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${server.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (e) {
      throw new UserError(
        `the server at ${server.url} (which holds the store) did not answer: ${errorMessage(e)}`,
        {
          hint: 'check that `sakura-guard serve` is healthy, or stop it to use the store directly',
          exitCode: EXIT_STORE,
          cause: e,
        },
      );
    }
    const json = (await r.json().catch(() => ({}))) as { error?: string; hint?: string };
    if (r.status === 404 && nullOn404) return null as T;
    if (!r.ok) {
      throw new UserError(`the server refused: ${json.error ?? `HTTP ${r.status}`}`, {
        ...(json.hint === undefined ? {} : { hint: json.hint }),
        exitCode: r.status >= 500 ? EXIT_STORE : EXIT_USAGE,
      });
    }
    return json as T;
  }
  return {
    url: server.url,
    request: (method, path, body) => call(method, path, body, false),
    find: (path) => call('GET', path, undefined, true),
  };
}
