// Saved queries for the query console: each signed-in user lists, saves, changes and removes
// their own (stored in the server's private DuckDB file; see api/saved-queries.ts).

import { z } from 'zod';
import { ApiError, notFound } from '../errors.ts';
import { toDuckDbValues } from '../../store/values.ts';
import { defineRoute, need, type ApiRoute, type RouteContext, type ServerDeps } from '../route.ts';
import { savedQueries } from '../saved-queries.ts';

const name = z.string().trim().min(1).max(200);
const queryText = z.string().min(1).max(100_000);
const description = z.string().max(2000);

type SavedQueries = ReturnType<typeof savedQueries>;
const stores = new WeakMap<ServerDeps, Promise<SavedQueries>>();

/** The saved queries on a connection of their own to the private file (server/private-store.ts). */
function storeFor(deps: ServerDeps): Promise<SavedQueries> {
  let store = stores.get(deps);
  if (!store) {
    store = deps.auth
      .connectPrivate()
      .then((conn) =>
        savedQueries(conn, async (sql, params = []) =>
          (await conn.runAndReadAll(sql, toDuckDbValues(params))).getRowObjectsJS(),
        ),
      );
    stores.set(deps, store);
  }
  return store;
}

async function storeOf(ctx: RouteContext<unknown, unknown>) {
  const owner = ctx.principal?.user;
  if (owner === undefined) throw new ApiError(401, 'authentication required');
  return { owner, store: await storeFor(ctx.deps) };
}

export const savedQueryRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/saved-queries',
    summary: 'Your saved queries, by name',
    access: need('queries:own'),
    async handler(ctx) {
      const { owner, store } = await storeOf(ctx);
      return { items: await store.list(owner) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/saved-queries',
    summary: 'Save a query (SQL or pipe language)',
    access: need('queries:own'),
    status: 201,
    body: z.object({ name, query: queryText, description: description.default('') }).strict(),
    async handler(ctx) {
      const { owner, store } = await storeOf(ctx);
      return store.create(owner, ctx.body, ctx.deps.clock.now());
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/api/v1/saved-queries/:id',
    summary: 'Change one of your saved queries',
    access: need('queries:own'),
    body: z
      .object({ name: name.optional(), query: queryText.optional(), description: description.optional() })
      .strict(),
    async handler(ctx) {
      const { owner, store } = await storeOf(ctx);
      const id = ctx.params['id'] ?? '';
      const change = {
        ...(ctx.body.name === undefined ? {} : { name: ctx.body.name }),
        ...(ctx.body.query === undefined ? {} : { query: ctx.body.query }),
        ...(ctx.body.description === undefined ? {} : { description: ctx.body.description }),
      };
      const saved = await store.update(owner, id, change, ctx.deps.clock.now());
      if (!saved) throw notFound(`saved query ${id} of yours`);
      return saved;
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/v1/saved-queries/:id',
    summary: 'Remove one of your saved queries',
    access: need('queries:own'),
    async handler(ctx) {
      const { owner, store } = await storeOf(ctx);
      const id = ctx.params['id'] ?? '';
      if (!(await store.remove(owner, id))) throw notFound(`saved query ${id} of yours`);
      return { removed: id };
    },
  }),
];
