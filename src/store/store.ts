// The flow store interface: what ingest, detectors, the query compiler and the CLI need from a
// storage backend. DuckDB (embedded, src/store/duckdb.ts) implements it today; ClickHouse will
// implement it for scale-out and must pass the same contract suite (store.contract.ts).

import type { CoverageGap, FlowBatch } from '../core/flow.ts';
import type { LogEvent } from '../core/records.ts';

/** A value bound to a `?` parameter. Dates bind as TIMESTAMP; whole numbers as INTEGER/BIGINT. */
export type SqlValue = string | number | bigint | boolean | Date | null;

export interface FlowStoreStats {
  flowRows: number;
  gapRows: number;
  /** Rows of the `events` table (log events). */
  eventRows: number;
  /** Earliest and latest flow `time`, or null when the store holds no flows. */
  firstTime: Date | null;
  lastTime: Date | null;
  /** Bytes the store occupies on disk (database file plus write-ahead log). */
  bytesOnDisk: number;
}

export interface RetentionPolicy {
  /** Drop flows, gaps and events that started more than this many days before `nowMs`. */
  maxAgeDays?: number;
  /** Drop whole days, oldest first, until the store's size is at most this. */
  maxBytes?: number;
}

export interface RetentionResult {
  flowRowsDeleted: number;
  gapRowsDeleted: number;
  eventRowsDeleted: number;
  /** UTC days (YYYY-MM-DD) removed by the size rule. */
  daysDropped: string[];
  bytesBefore: number;
  bytesAfter: number;
  /** False when `maxBytes` was set and could not be met without deleting the newest day. */
  withinMaxBytes: boolean;
}

export interface ExportedFile {
  /** UTC day of the partition, YYYY-MM-DD. */
  date: string;
  path: string;
  rows: number;
}

export interface ExportResult {
  files: ExportedFile[];
  rows: number;
}

export interface ExportRange {
  /** Inclusive lower bound on flow `time`. */
  from?: Date;
  /** Exclusive upper bound on flow `time`. */
  to?: Date;
}

export interface FlowStore {
  /** Queues a batch for writing; rows are durable after `flush()`. The batch may be reused after the call returns. */
  appendFlows(batch: FlowBatch): Promise<void>;
  appendGaps(gaps: readonly CoverageGap[]): Promise<void>;
  /**
   * Queues log events for the `events` table; durable after `flush()`. Throws (storing none of
   * them) when an event's time cannot be stored: parsers must reject such records.
   */
  appendEvents(events: readonly LogEvent[]): Promise<void>;
  /** Makes every appended row visible to queries and durable. */
  flush(): Promise<void>;
  /** Runs trusted SQL from our own code; user values always go in `params`. Rows as plain objects. */
  all(sql: string, params?: readonly SqlValue[]): Promise<Record<string, unknown>[]>;
  stats(): Promise<FlowStoreStats>;
  retain(policy: RetentionPolicy, nowMs: number): Promise<RetentionResult>;
  /** Writes the `flows` view as Parquet, one file per UTC day: `dir/date=YYYY-MM-DD/flows.parquet`. */
  exportParquet(dir: string, range?: ExportRange): Promise<ExportResult>;
  /** Flushes and releases the store (and its file lock). */
  close(): Promise<void>;
}

/** Opens a store over a data directory; contract tests receive one of these. */
export type OpenFlowStore = (dataDir: string, options?: { readOnly?: boolean }) => Promise<FlowStore>;
