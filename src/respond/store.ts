// Every response action and what happened to it, in the data directory's DuckDB file (tables
// response_actions and response_events), so `respond list|approve|undo` and a restarted server
// see the same history. Values are always bound.

import type { DuckDBConnection } from '@duckdb/node-api';
import type { UndoState } from './responder.ts';

export const ACTION_STATUSES = [
  'dry-run',
  'refused',
  'pending-approval',
  'applied',
  'failed',
  'undone',
  'expired',
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export interface ResponseAction {
  id: string;
  createdAt: number;
  updatedAt: number;
  findingId: string;
  findingType: string;
  severity: number;
  ip: string;
  responder: string;
  policy: string;
  mode: string;
  status: ActionStatus;
  /** What the responder does (or would do, or refused to do, and why). */
  description: string;
  expiresAt: number;
  durationSeconds: number;
  undoState: UndoState | null;
  error: string | null;
}

export interface ResponseEvent {
  at: number;
  actionId: string;
  event: string;
  by: string;
  detail: string;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS response_actions (
     id VARCHAR PRIMARY KEY, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
     finding_id VARCHAR NOT NULL, finding_type VARCHAR NOT NULL, severity DOUBLE NOT NULL,
     ip VARCHAR NOT NULL, responder VARCHAR NOT NULL, policy VARCHAR NOT NULL, mode VARCHAR NOT NULL,
     status VARCHAR NOT NULL, description VARCHAR NOT NULL, expires_at BIGINT NOT NULL,
     duration_seconds INTEGER NOT NULL, undo_state VARCHAR, error VARCHAR)`,
  `CREATE SEQUENCE IF NOT EXISTS response_seq`,
  `CREATE TABLE IF NOT EXISTS response_events (
     seq BIGINT NOT NULL DEFAULT nextval('response_seq'), at_ms BIGINT NOT NULL,
     action_id VARCHAR NOT NULL, event VARCHAR NOT NULL, by_whom VARCHAR NOT NULL, detail VARCHAR NOT NULL)`,
];

const COLUMNS =
  'id, created_at, updated_at, finding_id, finding_type, severity, ip, responder, policy, mode, status, description, expires_at, duration_seconds, undo_state, error';

type Value = string | number | null;

function fromRow(r: unknown[]): ResponseAction {
  return {
    id: String(r[0]),
    createdAt: Number(r[1]),
    updatedAt: Number(r[2]),
    findingId: String(r[3]),
    findingType: String(r[4]),
    severity: Number(r[5]),
    ip: String(r[6]),
    responder: String(r[7]),
    policy: String(r[8]),
    mode: String(r[9]),
    status: String(r[10]) as ActionStatus,
    description: String(r[11]),
    expiresAt: Number(r[12]),
    durationSeconds: Number(r[13]),
    undoState: r[14] === null ? null : (JSON.parse(String(r[14])) as UndoState),
    error: r[15] === null ? null : String(r[15]),
  };
}

export interface ResponseStore {
  save(a: ResponseAction, event: Omit<ResponseEvent, 'actionId' | 'at'>): Promise<void>;
  get(id: string): Promise<ResponseAction | null>;
  list(q?: { status?: ActionStatus; findingId?: string; limit?: number }): Promise<ResponseAction[]>;
  /** Applied or pending actions of one responder on one address, still in force at `now`. */
  live(responder: string, ip: string, now: number): Promise<ResponseAction | null>;
  /** Applied or pending actions whose expiry has passed. */
  expired(now: number): Promise<ResponseAction[]>;
  events(actionId: string): Promise<ResponseEvent[]>;
}

export async function createResponseStore(conn: DuckDBConnection): Promise<ResponseStore> {
  for (const sql of SCHEMA) await conn.run(sql);
  const rows = async (sql: string, values: Value[] = []): Promise<unknown[][]> =>
    (await conn.runAndReadAll(sql, values)).getRows() as unknown[][];
  return {
    async save(a, e) {
      await conn.run(
        `INSERT OR REPLACE INTO response_actions (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
        [
          a.id,
          a.createdAt,
          a.updatedAt,
          a.findingId,
          a.findingType,
          a.severity,
          a.ip,
          a.responder,
          a.policy,
          a.mode,
          a.status,
          a.description,
          a.expiresAt,
          a.durationSeconds,
          a.undoState === null ? null : JSON.stringify(a.undoState),
          a.error,
        ],
      );
      await conn.run(
        'INSERT INTO response_events (at_ms, action_id, event, by_whom, detail) VALUES ($1, $2, $3, $4, $5)',
        [a.updatedAt, a.id, e.event, e.by, e.detail],
      );
    },
    async get(id) {
      const r = await rows(`SELECT ${COLUMNS} FROM response_actions WHERE id = $1`, [id]);
      return r[0] ? fromRow(r[0]) : null;
    },
    async list(q = {}) {
      const where: string[] = [];
      const values: Value[] = [];
      if (q.status) where.push(`status = $${values.push(q.status)}`);
      if (q.findingId !== undefined) where.push(`finding_id = $${values.push(q.findingId)}`);
      const limit = `$${values.push(q.limit ?? 100)}`;
      const r = await rows(
        `SELECT ${COLUMNS} FROM response_actions ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY created_at DESC, id LIMIT ${limit}`,
        values,
      );
      return r.map(fromRow);
    },
    async live(responder, ip, now) {
      const r = await rows(
        `SELECT ${COLUMNS} FROM response_actions WHERE responder = $1 AND ip = $2
           AND status IN ('applied', 'pending-approval') AND expires_at > $3 LIMIT 1`,
        [responder, ip, now],
      );
      return r[0] ? fromRow(r[0]) : null;
    },
    async expired(now) {
      const r = await rows(
        `SELECT ${COLUMNS} FROM response_actions WHERE status IN ('applied', 'pending-approval') AND expires_at <= $1 ORDER BY expires_at`,
        [now],
      );
      return r.map(fromRow);
    },
    async events(actionId) {
      const r = await rows(
        'SELECT at_ms, action_id, event, by_whom, detail FROM response_events WHERE action_id = $1 ORDER BY seq',
        [actionId],
      );
      return r.map((x) => ({
        at: Number(x[0]),
        actionId: String(x[1]),
        event: String(x[2]),
        by: String(x[3]),
        detail: String(x[4]),
      }));
    },
  };
}
