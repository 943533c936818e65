// GET /api/v1/stream: server-sent events of findings as the findings stage stores them (the
// stage's announcements, findings/events.ts; nothing polls). A comment line every heartbeat keeps
// proxies from closing the connection, and each heartbeat checks the caller's credentials again
// (without extending a session), so a revoked token, an ended or idle session or a lost
// permission ends the stream within one beat.
// A client that does not read is not buffered for without bound: events beyond MAX_BUFFERED_BYTES
// are dropped and a `resync` event tells it to reload the list.

import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Finding } from '../../findings/finding.ts';
import { findingJson } from '../../findings/render.ts';
import type { SignalOutcome } from '../../findings/stage.ts';
import { authenticate } from '../../server/authenticate.ts';
import { allows } from '../permissions.ts';
import { defineRoute, need, type ApiRoute, type Principal, type ServerDeps } from '../route.ts';
import { sessionExpired } from '../sessions.ts';

export const DEFAULT_HEARTBEAT_SECONDS = 15;
const MAX_BUFFERED_BYTES = 1_048_576;

/** Open streams per server, so shutdown can end them instead of waiting for the clients. */
const openStreams = new WeakMap<ServerDeps, Set<() => void>>();

/** Ends every open stream of this server (serve calls it before closing the HTTP server). */
export function endStreams(deps: ServerDeps): void {
  for (const end of [...(openStreams.get(deps) ?? [])]) end();
}

/**
 * Whether the caller may still read findings: a token is looked up again (revoked, expired, owner
 * demoted or removed); a session is read without touching it, so an open stream does not keep a
 * session from reaching its idle timeout.
 */
async function stillAllowed(
  deps: ServerDeps,
  principal: Principal | null,
  req: FastifyRequest,
): Promise<boolean> {
  if (principal === null) return false;
  if (principal.via === 'token') {
    const again = await authenticate(req, deps);
    return again !== null && allows(again.role, 'findings:read');
  }
  const digest = principal.sessionDigest;
  const session = digest === null ? null : await deps.auth.getSession(digest);
  if (session === null) return false;
  const { sessionIdleMinutes, sessionAbsoluteHours } = deps.config.auth;
  const expired = sessionExpired(session, deps.clock.now(), {
    idleMs: sessionIdleMinutes * 60_000,
    absoluteMs: sessionAbsoluteHours * 3_600_000,
  });
  const user = expired === null ? await deps.auth.getUser(session.userName) : null;
  return user !== null && allows(user.role, 'findings:read');
}

export function streamKind(outcome: SignalOutcome): 'new' | 'updated' {
  return outcome === 'new' ? 'new' : 'updated';
}

export const streamRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/stream',
    summary:
      'Server-sent events: `finding` ({kind: new|updated, finding}) as findings are stored, a heartbeat comment',
    access: need('findings:read'),
    query: z.object({
      heartbeatSeconds: z.coerce.number().int().min(1).max(60).default(DEFAULT_HEARTBEAT_SECONDS),
    }),
    async handler({ deps, reply, query, log, principal }) {
      const req = reply.request;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      let dropped = false;
      const write = (text: string): void => {
        if (res.writableEnded) return;
        if (res.writableLength > MAX_BUFFERED_BYTES) {
          dropped = true;
          return;
        }
        if (dropped) {
          dropped = false;
          res.write('event: resync\ndata: {}\n\n');
        }
        res.write(text);
      };
      const unsubscribe = deps.findingEvents.subscribe((f: Finding, outcome: SignalOutcome) => {
        if (outcome === 'trusted') return;
        write(
          `event: finding\ndata: ${JSON.stringify({ kind: streamKind(outcome), finding: findingJson(f) })}\n\n`,
        );
      });
      let ended = false;
      const end = (): void => {
        if (ended) return;
        ended = true;
        clearInterval(timer);
        unsubscribe();
        openStreams.get(deps)?.delete(end);
        if (!res.writableEnded) res.end();
      };
      const timer = setInterval(() => {
        void (async () => {
          try {
            if (!(await stillAllowed(deps, principal, req))) return end();
            write(': heartbeat\n\n');
          } catch {
            end(); // the credentials are no longer valid
          }
        })().catch((e: unknown) => log.error(e));
      }, query.heartbeatSeconds * 1000);
      const streams = openStreams.get(deps) ?? new Set();
      streams.add(end);
      openStreams.set(deps, streams);
      res.on('close', end);
      res.write(`retry: 5000\n: connected\n\n`);
    },
  }),
];
