// Saved queries: each user's named SQL or pipe queries, kept in the server's private DuckDB file
// (server/private-store.ts) in a table this module creates. Every value is a bound parameter; a
// user only ever sees, changes or removes their own (the owner is part of every statement's WHERE).

import { randomBytes } from 'node:crypto';
import type { SqlValue } from '../store/store.ts';
import { ApiError } from './errors.ts';

export const SAVED_QUERIES_TABLE = 'saved_queries';
/** Saved queries one user may keep. */
export const MAX_SAVED_PER_USER = 500;

export const SAVED_QUERIES_SCHEMA = `CREATE TABLE IF NOT EXISTS ${SAVED_QUERIES_TABLE} (
  id VARCHAR PRIMARY KEY,
  owner VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  query VARCHAR NOT NULL,
  description VARCHAR NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
)`;

export interface SavedQuery {
  id: string;
  name: string;
  query: string;
  description: string;
  createdAt: string;
  updatedAt: string;
}

type All = (sql: string, params?: readonly SqlValue[]) => Promise<Record<string, unknown>[]>;

const ready = new WeakMap<object, Promise<unknown>>();

function toSaved(r: Record<string, unknown>): SavedQuery {
  return {
    id: String(r['id']),
    name: String(r['name']),
    query: String(r['query']),
    description: String(r['description']),
    createdAt: new Date(Number(r['created_at'])).toISOString(),
    updatedAt: new Date(Number(r['updated_at'])).toISOString(),
  };
}

/** The saved queries of one store; `key` identifies the store (the table is created once per key). */
export function savedQueries(key: object, all: All) {
  const init = async (): Promise<void> => {
    let p = ready.get(key);
    if (!p) {
      p = all(SAVED_QUERIES_SCHEMA);
      ready.set(key, p);
    }
    await p;
  };
  const get = async (owner: string, id: string): Promise<SavedQuery | null> => {
    await init();
    const [r] = await all(`SELECT * FROM ${SAVED_QUERIES_TABLE} WHERE owner = ? AND id = ?`, [owner, id]);
    return r ? toSaved(r) : null;
  };
  return {
    async list(owner: string): Promise<SavedQuery[]> {
      await init();
      const rows = await all(
        `SELECT * FROM ${SAVED_QUERIES_TABLE} WHERE owner = ? ORDER BY lower(name), id LIMIT ?`,
        [owner, MAX_SAVED_PER_USER],
      );
      return rows.map(toSaved);
    },
    async create(
      owner: string,
      q: { name: string; query: string; description: string },
      now: number,
    ): Promise<SavedQuery> {
      await init();
      const [count] = await all(`SELECT count(*) AS n FROM ${SAVED_QUERIES_TABLE} WHERE owner = ?`, [owner]);
      if (Number(count?.['n'] ?? 0) >= MAX_SAVED_PER_USER)
        throw new ApiError(409, `you have ${MAX_SAVED_PER_USER} saved queries already`, 'remove some first');
      const id = `sq-${randomBytes(6).toString('hex')}`;
      await all(
        `INSERT INTO ${SAVED_QUERIES_TABLE} (id, owner, name, query, description, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [id, owner, q.name, q.query, q.description, now, now],
      );
      return (await get(owner, id)) as SavedQuery;
    },
    async update(
      owner: string,
      id: string,
      change: { name?: string; query?: string; description?: string },
      now: number,
    ): Promise<SavedQuery | null> {
      const old = await get(owner, id);
      if (!old) return null;
      await all(
        `UPDATE ${SAVED_QUERIES_TABLE} SET name = ?, query = ?, description = ?, updated_at = ?
         WHERE owner = ? AND id = ?`,
        [
          change.name ?? old.name,
          change.query ?? old.query,
          change.description ?? old.description,
          now,
          owner,
          id,
        ],
      );
      return get(owner, id);
    },
    async remove(owner: string, id: string): Promise<boolean> {
      if (!(await get(owner, id))) return false;
      await all(`DELETE FROM ${SAVED_QUERIES_TABLE} WHERE owner = ? AND id = ?`, [owner, id]);
      return true;
    },
  };
}
