// Users (admins only) and API tokens (everyone their own; admins all). A token is shown once,
// stored as a digest, scoped to a role no higher than its creator's, expiring, revocable.

import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ApiError, forbidden, notFound } from '../errors.ts';
import { allows, ROLES, roleRank } from '../permissions.ts';
import { hashPassword, newSecret, secretDigest } from '../secrets.ts';
import { defineRoute, need, type ApiRoute } from '../route.ts';
import { BOOTSTRAP_TOKEN_PREFIX, type TokenRecord, type UserRecord } from '../auth-store.ts';

const DAY_MS = 86_400_000;
export const userName = z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'letters, digits and . _ @ - (1-64)');
export const password = z.string().min(12, 'at least 12 characters').max(1024);

const publicUser = (u: UserRecord, now: number) => ({
  name: u.name,
  role: u.role,
  totpEnrolled: u.totpSecret !== null,
  locked: u.lockedUntil > now,
  createdAt: new Date(u.createdAt).toISOString(),
});

export const publicToken = (t: TokenRecord) => ({
  id: t.id,
  name: t.name,
  owner: t.owner,
  role: t.role,
  createdAt: new Date(t.createdAt).toISOString(),
  expiresAt: new Date(t.expiresAt).toISOString(),
  revokedAt: t.revokedAt === null ? null : new Date(t.revokedAt).toISOString(),
});

export const userRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/users',
    summary: 'List users',
    access: need('users:read'),
    async handler({ deps }) {
      return { items: (await deps.auth.listUsers()).map((u) => publicUser(u, deps.clock.now())) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/users',
    summary: 'Add a user',
    access: need('users:write'),
    status: 201,
    body: z.object({ name: userName, role: z.enum(ROLES), password }).strict(),
    async handler({ body, deps, principal, audit }) {
      if (await deps.auth.getUser(body.name)) throw new ApiError(409, `user ${body.name} exists`);
      await deps.auth.addUser(body.name, body.role, await hashPassword(body.password));
      await audit('user.add', body.name, { role: body.role });
      // The bootstrap token has done its one job.
      const tokenId = principal?.tokenId;
      if (tokenId?.startsWith(BOOTSTRAP_TOKEN_PREFIX)) await deps.auth.revokeToken(tokenId);
      return { name: body.name, role: body.role };
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/api/v1/users/:name',
    summary: 'Change a user’s role or password, or reset their TOTP',
    access: need('users:write'),
    body: z
      .object({
        role: z.enum(ROLES).optional(),
        password: password.optional(),
        resetTotp: z.boolean().optional(),
      })
      .strict(),
    async handler({ params, body, deps, audit }) {
      const name = params['name'] ?? '';
      if (!(await deps.auth.getUser(name))) throw notFound(`user ${name}`);
      await deps.auth.updateUser(name, {
        ...(body.role === undefined ? {} : { role: body.role }),
        ...(body.password === undefined ? {} : { passwordHash: await hashPassword(body.password) }),
        ...(body.resetTotp ? { totpSecret: null } : {}),
      });
      await audit('user.change', name, {
        role: body.role,
        password: body.password !== undefined,
        resetTotp: body.resetTotp === true,
      });
      return { name };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/v1/users/:name',
    summary: 'Remove a user; ends their sessions and revokes their tokens',
    access: need('users:write'),
    async handler({ params, deps, principal, audit }) {
      const name = params['name'] ?? '';
      if (principal?.user === name)
        throw new ApiError(400, 'you cannot remove yourself', 'ask another admin');
      if (!(await deps.auth.deleteUser(name))) throw notFound(`user ${name}`);
      await audit('user.remove', name);
      return { removed: name };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/tokens',
    summary: 'Your API tokens (admins: everyone’s with ?all=true)',
    access: need('tokens:own'),
    query: z.object({ all: z.enum(['true', 'false']).default('false') }),
    async handler({ query, deps, principal }) {
      const all = query.all === 'true';
      if (all && !allows(principal?.role ?? null, 'users:read')) throw forbidden('list other users’ tokens');
      return { items: (await deps.auth.listTokens(all ? undefined : principal?.user)).map(publicToken) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/tokens',
    summary: 'Create an API token; its secret is in this response only',
    access: need('tokens:own'),
    status: 201,
    body: z
      .object({
        name: z.string().min(1).max(100),
        role: z.enum(ROLES).optional(),
        expiresInDays: z.number().positive().max(3650).optional(),
      })
      .strict(),
    async handler({ body, deps, principal, audit }) {
      if (!principal) throw new ApiError(401, 'authentication required');
      const role = body.role ?? principal.role;
      if (roleRank(role) > roleRank(principal.role)) throw forbidden(`create a ${role} token`);
      const secret = newSecret('sgt');
      const now = deps.clock.now();
      const record: TokenRecord = {
        id: `tok-${randomBytes(6).toString('hex')}`,
        name: body.name,
        owner: principal.user,
        role,
        createdAt: now,
        expiresAt: now + Math.round((body.expiresInDays ?? deps.config.auth.defaultTokenDays) * DAY_MS),
        revokedAt: null,
      };
      await deps.auth.addToken(record, secretDigest(secret));
      await audit('token.create', record.id, { role, name: body.name });
      return { ...publicToken(record), token: secret };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/v1/tokens/:id',
    summary: 'Revoke a token (yours, or anyone’s for admins); effective on the next request',
    access: need('tokens:own'),
    async handler({ params, deps, principal, audit }) {
      const t = await deps.auth.getToken(params['id'] ?? '');
      if (!t) throw notFound(`token ${params['id']}`);
      if (t.owner !== principal?.user && !allows(principal?.role ?? null, 'users:write'))
        throw forbidden('revoke other users’ tokens');
      await deps.auth.revokeToken(t.id);
      await audit('token.revoke', t.id);
      return { revoked: t.id };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/audit',
    summary: 'The audit log, newest first; filter by user, action prefix and time; page with `before`',
    access: need('audit:read'),
    query: z.object({
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      before: z.coerce.number().int().min(1).optional(),
      user: z.string().min(1).max(200).optional(),
      action: z.string().min(1).max(200).optional(),
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
    }),
    async handler({ query, deps }) {
      const items = await deps.auth.auditLog(query.limit, query.before, {
        ...(query.user === undefined ? {} : { user: query.user }),
        ...(query.action === undefined ? {} : { actionPrefix: query.action }),
        ...(query.from === undefined ? {} : { fromMs: Date.parse(query.from) }),
        ...(query.to === undefined ? {} : { toMs: Date.parse(query.to) }),
      });
      return { items: items.map((e) => ({ ...e, at: new Date(e.at).toISOString() })) };
    },
  }),
];
