// Exactly-once storage of HTTP ingest batches. A batch that carries an idempotency key is
// appended on a connection of its own inside one transaction that also records the key (and the
// answer the sender was given): after a crash, either both the rows and the key are in the store
// or neither is. A retry of a stored batch finds its key and gets the recorded answer without
// storing anything (docs/ingest-http.md, "Idempotency-Key"). Keys older than KEY_RETENTION_DAYS
// are forgotten.

import type { CoverageGap, FlowBatch } from '../core/flow.ts';
import type { LogEvent } from '../core/records.ts';
import type { DuckDbFlowStore } from './duckdb.ts';
import { toDuckDbValues } from './values.ts';

export const INGEST_KEY_TABLE = 'ingest_batches';
/** Days a key is remembered: a sender retrying a batch later than this stores it again. */
export const KEY_RETENTION_DAYS = 7;

const CREATE_SQL = `CREATE TABLE IF NOT EXISTS ${INGEST_KEY_TABLE} (
  sender VARCHAR NOT NULL,
  key VARCHAR NOT NULL,
  stored_at TIMESTAMP NOT NULL,
  answer VARCHAR NOT NULL,
  PRIMARY KEY (sender, key)
)`;

export interface BatchRows {
  batches: readonly FlowBatch[];
  gaps: readonly CoverageGap[];
  events: readonly LogEvent[];
}

export type OnceResult = { stored: true } | { stored: false; answer: string };

export interface OnceAppender {
  /**
   * Stores `rows` and records (sender, key) with `answer` in one transaction; when the key is
   * already recorded, stores nothing and returns the recorded answer. A null key stores the rows
   * in one transaction all the same (a failed batch leaves nothing behind). Calls must not overlap.
   */
  append(
    sender: string,
    key: string | null,
    rows: BatchRows,
    answer: string,
    nowMs: number,
  ): Promise<OnceResult>;
  close(): Promise<void>;
}

export function createOnceAppender(store: DuckDbFlowStore): OnceAppender {
  let writer: DuckDbFlowStore | null = null;

  async function open(nowMs: number): Promise<DuckDbFlowStore> {
    if (writer !== null) return writer;
    const w = await store.connectSibling();
    await w.connection.run(CREATE_SQL);
    await w.connection.run(
      `DELETE FROM ${INGEST_KEY_TABLE} WHERE stored_at < ?`,
      toDuckDbValues([new Date(nowMs - KEY_RETENTION_DAYS * 86_400_000)]),
    );
    writer = w;
    return w;
  }

  return {
    async append(sender, key, rows, answer, nowMs) {
      const w = await open(nowMs);
      const conn = w.connection;
      await conn.run('BEGIN TRANSACTION');
      try {
        if (key !== null) {
          const seen = await conn.runAndReadAll(
            `SELECT answer FROM ${INGEST_KEY_TABLE} WHERE sender = ? AND key = ?`,
            [sender, key],
          );
          const previous = seen.getRowsJS()[0]?.[0];
          if (typeof previous === 'string') {
            await conn.run('ROLLBACK');
            return { stored: false, answer: previous };
          }
        }
        for (const b of rows.batches) await w.appendFlows(b);
        await w.appendGaps(rows.gaps);
        await w.appendEvents(rows.events);
        await w.endAppends();
        if (key !== null)
          await conn.run(
            `INSERT INTO ${INGEST_KEY_TABLE} VALUES (?, ?, ?, ?)`,
            toDuckDbValues([sender, key, new Date(nowMs), answer]),
          );
        await conn.run('COMMIT');
        return { stored: true };
      } catch (e) {
        await w.endAppends().catch(() => undefined);
        await conn.run('ROLLBACK').catch(() => undefined);
        throw e;
      }
    },
    async close() {
      await writer?.close();
      writer = null;
    },
  };
}
