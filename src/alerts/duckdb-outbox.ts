// The Outbox in the data directory's DuckDB file (tables alert_*), so pending alerts, held
// digests and what each channel was told survive restarts. Values are always bound.

import type { DuckDBConnection } from '@duckdb/node-api';
import type { Notified } from './decide.ts';
import type { FindingSummary } from './message.ts';
import {
  DEFAULT_LIST_LIMIT,
  type DecisionRecord,
  type DeliveryRecord,
  type Outbox,
  type OutboxEntry,
} from './outbox.ts';

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS alert_outbox (
     id VARCHAR PRIMARY KEY,
     channel VARCHAR NOT NULL,
     status VARCHAR NOT NULL,
     attempts INTEGER NOT NULL,
     next_attempt_at BIGINT NOT NULL,
     created_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL,
     last_error VARCHAR,
     message VARCHAR NOT NULL
   )`,
  `CREATE SEQUENCE IF NOT EXISTS alert_seq`,
  `CREATE TABLE IF NOT EXISTS alert_held (
     seq BIGINT NOT NULL DEFAULT nextval('alert_seq'),
     channel VARCHAR NOT NULL,
     at_ms BIGINT NOT NULL,
     finding VARCHAR NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS alert_notified (
     channel VARCHAR NOT NULL,
     finding_id VARCHAR NOT NULL,
     severity DOUBLE NOT NULL,
     count BIGINT NOT NULL,
     at_ms BIGINT NOT NULL,
     PRIMARY KEY (channel, finding_id)
   )`,
  `CREATE TABLE IF NOT EXISTS alert_decisions (
     seq BIGINT NOT NULL DEFAULT nextval('alert_seq'),
     at_ms BIGINT NOT NULL,
     channel VARCHAR,
     finding_id VARCHAR NOT NULL,
     type VARCHAR NOT NULL,
     severity DOUBLE NOT NULL,
     action VARCHAR NOT NULL,
     reason VARCHAR NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS alert_deliveries (
     seq BIGINT NOT NULL DEFAULT nextval('alert_seq'),
     at_ms BIGINT NOT NULL,
     entry_id VARCHAR NOT NULL,
     channel VARCHAR NOT NULL,
     attempt INTEGER NOT NULL,
     ok BOOLEAN NOT NULL,
     error VARCHAR,
     outcome VARCHAR NOT NULL
   )`,
];

type Value = string | number | boolean | null;

const ENTRY_COLUMNS =
  'id, channel, status, attempts, next_attempt_at, created_at, updated_at, last_error, message';

function entryRow(r: unknown[]): OutboxEntry {
  return {
    id: String(r[0]),
    channel: String(r[1]),
    status: String(r[2]) as OutboxEntry['status'],
    attempts: Number(r[3]),
    nextAttemptAt: Number(r[4]),
    createdAt: Number(r[5]),
    updatedAt: Number(r[6]),
    lastError: r[7] === null ? null : String(r[7]),
    message: JSON.parse(String(r[8])) as OutboxEntry['message'],
  };
}

const entryValues = (e: OutboxEntry): Value[] => [
  e.id,
  e.channel,
  e.status,
  e.attempts,
  e.nextAttemptAt,
  e.createdAt,
  e.updatedAt,
  e.lastError,
  JSON.stringify(e.message),
];

export async function createDuckDbOutbox(conn: DuckDBConnection): Promise<Outbox> {
  for (const sql of SCHEMA) await conn.run(sql);
  const rows = async (sql: string, values: Value[] = []): Promise<unknown[][]> =>
    (await conn.runAndReadAll(sql, values)).getRows() as unknown[][];
  const upsert = (e: OutboxEntry): Promise<unknown> =>
    conn.run(
      `INSERT OR REPLACE INTO alert_outbox (${ENTRY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      entryValues(e),
    );

  const transaction = async <T>(fn: () => Promise<T>): Promise<T> => {
    await conn.run('BEGIN TRANSACTION');
    try {
      const r = await fn();
      await conn.run('COMMIT');
      return r;
    } catch (e) {
      await conn.run('ROLLBACK');
      throw e;
    }
  };

  return {
    batch: transaction,
    async enqueue(e) {
      await upsert(e);
    },
    async due(now, limit, excludeChannels = []) {
      const values: Value[] = [now, ...excludeChannels, limit];
      const excluded =
        excludeChannels.length === 0
          ? ''
          : `AND channel NOT IN (${excludeChannels.map((_, k) => `$${k + 2}`).join(', ')})`;
      const r = await rows(
        `SELECT ${ENTRY_COLUMNS} FROM alert_outbox WHERE status = 'pending' AND next_attempt_at <= $1 ${excluded}
         ORDER BY created_at, id LIMIT $${values.length}`,
        values,
      );
      return r.map(entryRow);
    },
    async update(e) {
      await upsert(e);
    },
    async list(q = {}) {
      const where: string[] = [];
      const values: Value[] = [];
      if (q.status !== undefined) {
        values.push(q.status);
        where.push(`status = $${values.length}`);
      }
      if (q.channel !== undefined) {
        values.push(q.channel);
        where.push(`channel = $${values.length}`);
      }
      values.push(q.limit ?? DEFAULT_LIST_LIMIT);
      const r = await rows(
        `SELECT ${ENTRY_COLUMNS} FROM alert_outbox ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY created_at DESC, id DESC LIMIT $${values.length}`,
        values,
      );
      return r.map(entryRow);
    },
    async hold(h) {
      await conn.run('INSERT INTO alert_held (channel, at_ms, finding) VALUES ($1, $2, $3)', [
        h.channel,
        h.at,
        JSON.stringify(h.finding),
      ]);
    },
    async held(channel) {
      const r = await rows(
        'SELECT channel, at_ms, finding FROM alert_held WHERE channel = $1 ORDER BY at_ms, seq',
        [channel],
      );
      return r.map((x) => ({
        channel: String(x[0]),
        at: Number(x[1]),
        finding: JSON.parse(String(x[2])) as FindingSummary,
      }));
    },
    async heldChannels() {
      const r = await rows('SELECT channel, min(at_ms) FROM alert_held GROUP BY channel ORDER BY channel');
      return r.map((x) => ({ channel: String(x[0]), first: Number(x[1]) }));
    },
    async flushDigest(channel, upTo, digest) {
      await transaction(async () => {
        await upsert(digest);
        await conn.run('DELETE FROM alert_held WHERE channel = $1 AND at_ms <= $2', [channel, upTo]);
      });
    },
    async getNotified(channel, findingId) {
      const r = await rows(
        'SELECT severity, count, at_ms FROM alert_notified WHERE channel = $1 AND finding_id = $2',
        [channel, findingId],
      );
      const x = r[0];
      return x === undefined
        ? null
        : { channel, findingId, severity: Number(x[0]), count: Number(x[1]), at: Number(x[2]) };
    },
    async putNotified(n: Notified) {
      await conn.run(
        'INSERT OR REPLACE INTO alert_notified (channel, finding_id, severity, count, at_ms) VALUES ($1, $2, $3, $4, $5)',
        [n.channel, n.findingId, n.severity, n.count, n.at],
      );
    },
    async logDecision(d) {
      await conn.run(
        'INSERT INTO alert_decisions (at_ms, channel, finding_id, type, severity, action, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [d.at, d.channel, d.findingId, d.type, d.severity, d.action, d.reason],
      );
    },
    async decisions(limit = DEFAULT_LIST_LIMIT): Promise<DecisionRecord[]> {
      const r = await rows(
        'SELECT at_ms, channel, finding_id, type, severity, action, reason FROM alert_decisions ORDER BY at_ms DESC, seq DESC LIMIT $1',
        [limit],
      );
      return r.map((x) => ({
        at: Number(x[0]),
        channel: x[1] === null ? null : String(x[1]),
        findingId: String(x[2]),
        type: String(x[3]),
        severity: Number(x[4]),
        action: String(x[5]) as DecisionRecord['action'],
        reason: String(x[6]),
      }));
    },
    async logDelivery(d) {
      await conn.run(
        'INSERT INTO alert_deliveries (at_ms, entry_id, channel, attempt, ok, error, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [d.at, d.entryId, d.channel, d.attempt, d.ok, d.error, d.outcome],
      );
    },
    async deliveries(limit = DEFAULT_LIST_LIMIT): Promise<DeliveryRecord[]> {
      const r = await rows(
        'SELECT at_ms, entry_id, channel, attempt, ok, error, outcome FROM alert_deliveries ORDER BY at_ms DESC, seq DESC LIMIT $1',
        [limit],
      );
      return r.map((x) => ({
        at: Number(x[0]),
        entryId: String(x[1]),
        channel: String(x[2]),
        attempt: Number(x[3]),
        ok: Boolean(x[4]),
        error: x[5] === null ? null : String(x[5]),
        outcome: String(x[6]) as DeliveryRecord['outcome'],
      }));
    },
  };
}
