// Who a request comes from: an API token (Authorization: Bearer) or a session cookie. Tokens are
// looked up on every request, so revocation takes effect at once. A cookie-authenticated write
// must carry the session's CSRF token.

import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import { BOOTSTRAP_OWNER } from '../api/auth-store.ts';
import { ApiError, unauthorized } from '../api/errors.ts';
import { roleRank } from '../api/permissions.ts';
import type { Principal, ServerDeps } from '../api/route.ts';
import { constantTimeEqual, secretDigest } from '../api/secrets.ts';
import { CSRF_HEADER, csrfToken, sessionExpired, SESSION_COOKIE } from '../api/sessions.ts';
import { LOCAL_OWNER } from './discovery.ts';

/** Token owners that are not users: the bootstrap token and the local CLI token. */
const SYSTEM_OWNERS = new Set([BOOTSTRAP_OWNER, LOCAL_OWNER]);

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The principal, null when the request carries no credentials; throws 401/403 on bad ones. */
export async function authenticate(req: FastifyRequest, deps: ServerDeps): Promise<Principal | null> {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m?.[1]) throw unauthorized();
    const token = await deps.auth.liveToken(secretDigest(m[1]));
    if (!token) throw unauthorized();
    // A token never carries more than its owner holds now: demoting a user demotes their tokens.
    let role = token.role;
    if (!SYSTEM_OWNERS.has(token.owner)) {
      const owner = await deps.auth.getUser(token.owner);
      if (!owner) throw unauthorized();
      if (roleRank(owner.role) < roleRank(role)) role = owner.role;
    }
    return {
      user: token.owner,
      role,
      via: 'token',
      tokenId: token.id,
      sessionDigest: null,
      mustEnrollTotp: false,
    };
  }
  const secret = req.cookies[SESSION_COOKIE];
  if (secret === undefined || secret === '') return null;
  const digest = secretDigest(secret);
  const session = await deps.auth.getSession(digest);
  if (!session) throw unauthorized();
  const { sessionIdleMinutes, sessionAbsoluteHours, requireTotpForAdmins } = deps.config.auth;
  const expired = sessionExpired(session, deps.clock.now(), {
    idleMs: sessionIdleMinutes * 60_000,
    absoluteMs: sessionAbsoluteHours * 3_600_000,
  });
  const user = expired === null ? await deps.auth.getUser(session.userName) : null;
  if (!user) {
    await deps.auth.deleteSession(digest);
    throw new ApiError(
      401,
      expired ? `the session has ended (${expired} timeout)` : 'authentication required',
      'sign in again',
    );
  }
  if (!SAFE_METHODS.has(req.method)) {
    const sent = req.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !constantTimeEqual(sent, csrfToken(deps.secretKey, secret))) {
      throw new ApiError(
        403,
        'missing or wrong CSRF token',
        `send the csrfToken from sign-in in the ${CSRF_HEADER} header`,
      );
    }
  }
  await deps.auth.touchSession(digest);
  return {
    user: user.name,
    role: user.role,
    via: 'session',
    tokenId: null,
    sessionDigest: digest,
    mustEnrollTotp: user.role === 'admin' && requireTotpForAdmins && user.totpSecret === null,
  };
}
