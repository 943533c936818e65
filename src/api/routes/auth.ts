// Sign-in: password (+ TOTP code for users who enrolled one), a session cookie and a CSRF token;
// lock-out after repeated failures; per-address attempt limit. Every attempt is audited.

import type {} from '@fastify/cookie'; // reply.setCookie / clearCookie
import { z } from 'zod';
import { ApiError } from '../errors.ts';
import { DUMMY_PASSWORD_HASH, newSecret, secretDigest, verifyPassword } from '../secrets.ts';
import { csrfToken, SESSION_COOKIE } from '../sessions.ts';
import { newTotpSecret, otpauthUri, verifyTotp } from '../totp.ts';
import { defineRoute, type ApiRoute, type RouteContext } from '../route.ts';
import { RateLimiter } from '../rate-limit.ts';

const loginFailed = (): ApiError =>
  new ApiError(
    401,
    'sign-in failed',
    'check the user name, password and authenticator code; repeated failures lock the account for a while',
  );

/** Limiters live as long as the routes; one per server (see createAuthRoutes). */
export function createAuthRoutes(): ApiRoute[] {
  let limiter: RateLimiter | null = null;

  async function fail(ctx: RouteContext<unknown, unknown>, user: string, reason: string): Promise<never> {
    const { auth } = ctx.deps;
    const { maxFailedLogins, lockoutMinutes } = ctx.deps.config.auth;
    const locked = await auth.recordLoginFailure(user, maxFailedLogins, lockoutMinutes * 60_000);
    ctx.deps.metrics.inc('sakura_guard_logins_total', { outcome: 'failed' });
    await ctx.deps.auth.audit({
      actor: user,
      action: 'login',
      target: null,
      ip: ctx.ip,
      outcome: 'failed',
      detail: { reason, locked },
    });
    throw loginFailed();
  }

  return [
    defineRoute({
      method: 'POST',
      path: '/api/v1/auth/login',
      summary: 'Sign in with a password (and a TOTP code when enrolled); sets the session cookie',
      access: { kind: 'public' },
      auditSelf: true,
      body: z
        .object({
          user: z.string().min(1).max(64),
          password: z.string().min(1).max(1024),
          totp: z.string().max(10).optional(),
        })
        .strict(),
      async handler(ctx) {
        const { body, deps, reply, ip } = ctx;
        limiter ??= new RateLimiter(deps.config.auth.loginAttemptsPerMinute, 60_000, deps.clock);
        if (!limiter.hit(ip)) {
          await deps.auth.audit({
            actor: body.user,
            action: 'login',
            target: null,
            ip,
            outcome: 'denied',
            detail: { reason: 'rate limit' },
          });
          void reply.header('retry-after', String(limiter.retryAfter(ip)));
          throw new ApiError(
            429,
            'too many sign-in attempts from this address',
            'wait a minute and try again',
          );
        }
        const user = await deps.auth.getUser(body.user);
        const ok = await verifyPassword(body.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
        if (!user) return fail(ctx, body.user, 'unknown user');
        if (user.lockedUntil > deps.clock.now()) return fail(ctx, user.name, 'locked');
        if (!ok) return fail(ctx, user.name, 'wrong password');
        let step: number | null = null;
        if (user.totpSecret !== null) {
          step = body.totp === undefined ? null : verifyTotp(user.totpSecret, body.totp, deps.clock.now());
          if (step === null) return fail(ctx, user.name, 'wrong or missing TOTP code');
          if (user.totpLastStep !== null && step <= user.totpLastStep)
            return fail(ctx, user.name, 'TOTP code replayed');
        }
        await deps.auth.recordLoginSuccess(user.name, step);
        const secret = newSecret('sgs');
        await deps.auth.addSession(secretDigest(secret), user.name);
        void reply.setCookie(SESSION_COOKIE, secret, {
          httpOnly: true,
          sameSite: 'strict',
          secure: deps.tls,
          path: '/',
        });
        deps.metrics.inc('sakura_guard_logins_total', { outcome: 'ok' });
        await deps.auth.audit({
          actor: user.name,
          action: 'login',
          target: null,
          ip,
          outcome: 'ok',
          detail: null,
        });
        const mustEnrollTotp =
          user.role === 'admin' && deps.config.auth.requireTotpForAdmins && user.totpSecret === null;
        return {
          user: user.name,
          role: user.role,
          csrfToken: csrfToken(deps.secretKey, secret),
          mustEnrollTotp,
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/auth/logout',
      summary: 'End the current session',
      access: { kind: 'authenticated' },
      async handler({ principal, deps, reply }) {
        if (principal?.sessionDigest) await deps.auth.deleteSession(principal.sessionDigest);
        void reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return { ok: true };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/auth/me',
      summary: 'Who the request is authenticated as',
      access: { kind: 'authenticated' },
      async handler({ principal }) {
        return (
          principal && {
            user: principal.user,
            role: principal.role,
            via: principal.via,
            mustEnrollTotp: principal.mustEnrollTotp,
          }
        );
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/auth/totp/enroll',
      summary: 'Start TOTP enrolment: a new secret (and otpauth URI) to put in an authenticator app',
      access: { kind: 'authenticated' },
      async handler({ principal, deps }) {
        if (!principal || principal.via !== 'session')
          throw new ApiError(
            400,
            'enrol TOTP from a signed-in session',
            'sign in at POST /api/v1/auth/login',
          );
        const secret = newTotpSecret();
        deps.pendingTotp.set(principal.user, secret);
        return { secret, otpauthUri: otpauthUri(secret, principal.user) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/auth/totp/confirm',
      summary: 'Finish TOTP enrolment with a code from the app',
      access: { kind: 'authenticated' },
      body: z.object({ code: z.string().min(6).max(10) }).strict(),
      async handler({ principal, deps, body, audit }) {
        const pending = principal ? deps.pendingTotp.get(principal.user) : undefined;
        if (!principal || pending === undefined)
          throw new ApiError(
            400,
            'no TOTP enrolment in progress',
            'call POST /api/v1/auth/totp/enroll first',
          );
        const step = verifyTotp(pending, body.code, deps.clock.now());
        if (step === null)
          throw new ApiError(
            400,
            'the code does not match',
            'check the authenticator app’s clock and enter the current code',
          );
        await deps.auth.updateUser(principal.user, { totpSecret: pending });
        await deps.auth.recordLoginSuccess(principal.user, step);
        deps.pendingTotp.delete(principal.user);
        await audit('totp.enroll', principal.user);
        return { enrolled: true };
      },
    }),
  ];
}
