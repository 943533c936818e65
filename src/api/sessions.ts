// Cookie sessions: the cookie holds a random secret; the store keeps its SHA-256. The CSRF token
// is an HMAC of the session secret under the server key, so it needs no storage; a cookie-
// authenticated write must echo it in the X-CSRF-Token header.

import { createHmac } from 'node:crypto';

export const SESSION_COOKIE = 'sg_session';
export const CSRF_HEADER = 'x-csrf-token';

export function csrfToken(key: Buffer, sessionSecret: string): string {
  return createHmac('sha256', key).update(`csrf|${sessionSecret}`).digest('base64url');
}

export interface SessionTimeouts {
  idleMs: number;
  absoluteMs: number;
}

export function sessionExpired(
  s: { createdAt: number; lastSeen: number },
  now: number,
  t: SessionTimeouts,
): 'idle' | 'absolute' | null {
  if (now - s.createdAt >= t.absoluteMs) return 'absolute';
  if (now - s.lastSeen >= t.idleMs) return 'idle';
  return null;
}
