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
  /**
   * Sends a byte body (a stream is sent as it is read) and answers the raw response, which is OK:
   * a refusal becomes a UserError as with `request`. For uploads and for downloads (reports, exports).
   */
  send(
    method: string,
    path: string,
    body?: { data: NonNullable<RequestInit['body']>; contentType: string; headers?: Record<string, string> },
  ): Promise<Response>;
}

/** The client for the server that holds `dataDir`, or null when none runs. */
export function runningServer(dataDir: string): ServerClient | null {
  const found = findRunningServer(dataDir);
  if (!found) return null;
  const server = found;
  async function exchange(method: string, path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(`${server.url}${path}`, {
        ...init,
        method,
        headers: { authorization: `Bearer ${server.token}`, ...(init.headers as Record<string, string>) },
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
  }
  async function refusal(r: Response): Promise<UserError> {
    const json = (await r.json().catch(() => ({}))) as { error?: string; hint?: string };
    return new UserError(`the server refused: ${json.error ?? `HTTP ${r.status}`}`, {
      ...(json.hint === undefined ? {} : { hint: json.hint }),
      exitCode: r.status >= 500 ? EXIT_STORE : EXIT_USAGE,
    });
  }
  async function call<T>(method: string, path: string, body: unknown, nullOn404: boolean): Promise<T> {
    const r = await exchange(method, path, {
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (r.status === 404 && nullOn404) return null as T;
    if (!r.ok) throw await refusal(r);
    return (await r.json().catch(() => ({}))) as T;
  }
  return {
    url: server.url,
    request: (method, path, body) => call(method, path, body, false),
    find: (path) => call('GET', path, undefined, true),
    async send(method, path, body) {
      const r = await exchange(method, path, {
        ...(body === undefined
          ? {}
          : {
              headers: {
                'content-type': body.contentType,
                ...body.headers,
              },
              body: body.data,
              // a stream body is sent as it is read
              duplex: 'half',
            }),
      });
      if (!r.ok) throw await refusal(r);
      return r;
    },
  };
}

/**
 * Asks the server that holds `dataDir` to reload (SIGHUP: rule directories, intel lists, asset
 * inventory) and says so; without one, says that the change applies when it starts.
 */
export function reloadRunningServer(dataDir: string, what: string): string {
  const server = findRunningServer(dataDir);
  if (server === null)
    return `no server is running on this data directory: the change applies when it starts`;
  process.kill(server.pid, 'SIGHUP');
  return `asked the server (pid ${server.pid}) to reload its ${what}; its log lists any problems`;
}
