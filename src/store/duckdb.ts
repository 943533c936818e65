// The embedded store: one DuckDB file in the data directory. Flows go in through the appender
// in data chunks (flow-chunks.ts); queries, retention and export are plain SQL over the schema of
// schema.ts. DuckDB lets one process hold the file for writing; a second one gets a UserError.

import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBAppender, DuckDBConnection, DuckDBInstance, DuckDBTimestampValue } from '@duckdb/node-api';
import { z } from 'zod';
import type { CoverageGap, FlowBatch } from '../core/flow.ts';
import type { LogEvent } from '../core/records.ts';
import { EXIT_STORE, UserError, errorMessage } from '../core/errors.ts';
import { CHUNK_ROWS, FlowChunkWriter, firstInvalidStart, validTime } from './flow-chunks.ts';
import { migrate } from './migrate.ts';
import { retainFlows } from './retention.ts';
import { exportFlowsParquet } from './export-parquet.ts';
import { EVENT_TABLE, FLOW_TABLE } from './schema.ts';
import type {
  ExportRange,
  ExportResult,
  FlowStore,
  FlowStoreStats,
  RetentionPolicy,
  RetentionResult,
  SqlValue,
} from './store.ts';
import { jsFriendly, toDuckDbValues } from './values.ts';

export const DATABASE_FILE = 'sakura-guard.duckdb';

export const duckDbStoreConfigSchema = z.object({
  /** Open without write access: queries only (no appends, retention or migrations). */
  readOnly: z.boolean().default(false),
  /**
   * DuckDB's buffer-pool limit; bounds the store's memory whatever the input size. Default:
   * 512MB for a writer (ingest stays under 1 GiB of RSS), 1GB for a read-only open (large
   * aggregations; DuckDB spills what it can to `sakura-guard.duckdb.tmp/`).
   */
  memoryLimit: z.string().optional(),
  /** Worker threads for queries; 0 = DuckDB's default (one per core). */
  threads: z.number().int().min(0).default(0),
});
export type DuckDbStoreConfig = z.infer<typeof duckDbStoreConfigSchema>;

/** Path of the database file inside a data directory. */
export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}

/** Bytes the database occupies on disk: the file plus its write-ahead log. */
export function bytesOnDisk(file: string): number {
  let total = 0;
  for (const f of [file, `${file}.wal`]) {
    try {
      total += statSync(f).size;
    } catch {
      // absent: nothing on disk
    }
  }
  return total;
}

/** Opens the DuckDB instance, turning DuckDB's lock error into a UserError that names the file. */
export async function openInstance(file: string, options: Record<string, string>): Promise<DuckDBInstance> {
  try {
    return await DuckDBInstance.create(file, options);
  } catch (e) {
    const message = errorMessage(e);
    if (/lock/i.test(message)) {
      const pid = /PID (\d+)/.exec(message)?.[1];
      const holder = pid ? `another process (PID ${pid})` : 'another process';
      throw new UserError(
        `the store ${file} is in use by ${holder}: \`sakura-guard serve\` or another sakura-guard command holds it`,
        {
          hint:
            'if it is `sakura-guard serve`, commands go through its API when they can read DATA_DIR/server.json and ' +
            'server.token (run them as the user serve runs as, with the same --data-dir); otherwise stop that process ' +
            'or wait for it to finish (DuckDB lets one process open the file at a time), then retry',
          exitCode: EXIT_STORE,
          cause: e,
        },
      );
    }
    throw new UserError(`cannot open the store ${file}: ${message}`, {
      hint: 'check that the data directory is writable and the file is a sakura-guard database',
      exitCode: EXIT_STORE,
      cause: e,
    });
  }
}

export class DuckDbFlowStore implements FlowStore {
  readonly file: string;
  readonly readOnly: boolean;
  private readonly instance: DuckDBInstance;
  private readonly conn: DuckDBConnection;
  private flowAppender: DuckDBAppender | null = null;
  private gapAppender: DuckDBAppender | null = null;
  private eventAppender: DuckDBAppender | null = null;
  /** Creation in flight, so that concurrent first appends share one appender. */
  private flowAppenderOpening: Promise<DuckDBAppender> | null = null;
  private gapAppenderOpening: Promise<DuckDBAppender> | null = null;
  private eventAppenderOpening: Promise<DuckDBAppender> | null = null;
  private readonly writer = new FlowChunkWriter();
  private pending = 0;
  private closed = false;
  /** False for a sibling (connectSibling): closing it leaves the instance open. */
  private readonly ownsInstance: boolean;
  /** Open siblings, closed before this store. */
  private readonly siblings = new Set<DuckDbFlowStore>();

  constructor(
    file: string,
    readOnly: boolean,
    instance: DuckDBInstance,
    conn: DuckDBConnection,
    ownsInstance = true,
  ) {
    this.file = file;
    this.readOnly = readOnly;
    this.instance = instance;
    this.conn = conn;
    this.ownsInstance = ownsInstance;
  }

  /**
   * A writer on a new connection of the same instance, whose appends join that connection's
   * transaction (ingest-once.ts wraps a batch and its idempotency key in one). Closing it
   * closes its connection only; closing this store closes it first.
   */
  async connectSibling(): Promise<DuckDbFlowStore> {
    this.assertWritable();
    const sibling = new DuckDbFlowStore(
      this.file,
      false,
      this.instance,
      await this.instance.connect(),
      false,
    );
    this.siblings.add(sibling);
    return sibling;
  }

  /** Flushes and closes the appenders, keeping the connection (the caller then commits). */
  async endAppends(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.pending = 0;
      const appenders = [this.flowAppender, this.gapAppender, this.eventAppender];
      this.flowAppender = this.gapAppender = this.eventAppender = null;
      this.flowAppenderOpening = this.gapAppenderOpening = this.eventAppenderOpening = null;
      for (const a of appenders) {
        try {
          a?.closeSync();
        } catch {
          // an appender whose flush failed is discarded with its rows (the caller rolls back)
        }
      }
    }
  }

  /** The underlying connection, for sibling modules (findings, intel) that keep tables in the same file. */
  get connection(): DuckDBConnection {
    return this.conn;
  }

  async appendFlows(batch: FlowBatch): Promise<void> {
    const appender = await this.flowsAppender();
    const bad = firstInvalidStart(batch);
    if (bad >= 0) {
      throw new Error(
        `flow batch row ${bad} has start time ${batch.start[bad]}; parsers must reject such records`,
      );
    }
    for (let offset = 0; offset < batch.length; offset += CHUNK_ROWS) {
      this.writer.fill(batch, offset, Math.min(CHUNK_ROWS, batch.length - offset));
      appender.appendDataChunk(this.writer.chunk);
    }
    this.pending += batch.length;
  }

  async appendGaps(gaps: readonly CoverageGap[]): Promise<void> {
    if (gaps.length === 0) return;
    this.assertWritable();
    const bad = gaps.findIndex((g) => !validTime(g.start));
    if (bad >= 0)
      throw new Error(`coverage gap ${bad} has start time ${gaps[bad]?.start}; it cannot be stored`);
    this.gapAppenderOpening ??= this.conn.createAppender('gaps').then((a) => (this.gapAppender = a));
    const a = await this.gapAppenderOpening;
    for (const g of gaps) {
      a.appendVarchar(g.kind);
      a.appendTimestamp(secondsToTimestamp(g.start));
      if (validTime(g.end)) a.appendTimestamp(secondsToTimestamp(g.end));
      else a.appendNull();
      appendText(a, g.resource);
      appendText(a, g.source);
      const account = g.detail['account_id'] ?? g.detail['accountId'];
      appendText(a, account === undefined ? null : String(account));
      a.appendVarchar(JSON.stringify(g.detail));
      a.endRow();
    }
    this.pending += gaps.length;
  }

  async appendEvents(events: readonly LogEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.assertWritable();
    const bad = events.findIndex((e) => !validTime(e.time));
    if (bad >= 0) throw new Error(`log event ${bad} has time ${events[bad]?.time}; it cannot be stored`);
    this.eventAppenderOpening ??= this.conn.createAppender(EVENT_TABLE).then((a) => (this.eventAppender = a));
    const a = await this.eventAppenderOpening;
    for (const e of events) {
      // Column order of EVENT_COLUMNS (schema.ts).
      a.appendTimestamp(secondsToTimestamp(e.time));
      a.appendVarchar(e.kind);
      appendText(a, e.outcome);
      appendText(a, e.src_ip);
      appendPort(a, e.src_port);
      appendText(a, e.dst_ip);
      appendPort(a, e.dst_port);
      appendText(a, e.user);
      appendText(a, e.message);
      appendText(a, e.source);
      appendText(a, e.host);
      a.appendVarchar(JSON.stringify(e.fields));
      a.endRow();
    }
    this.pending += events.length;
  }

  async flush(): Promise<void> {
    if (this.pending === 0) return;
    this.flowAppender?.flushSync();
    this.gapAppender?.flushSync();
    this.eventAppender?.flushSync();
    this.pending = 0;
    await Promise.resolve();
  }

  async all(sql: string, params: readonly SqlValue[] = []): Promise<Record<string, unknown>[]> {
    await this.flush();
    const reader = await this.conn.runAndReadAll(sql, toDuckDbValues(params));
    return reader.getRowObjectsJS().map((row) => jsFriendly(row) as Record<string, unknown>);
  }

  async stats(): Promise<FlowStoreStats> {
    const [flows] = await this.all(
      `SELECT count(*) AS n, min(time) AS first, max(time) AS last FROM ${FLOW_TABLE}`,
    );
    const [gaps] = await this.all(`SELECT count(*) AS n FROM gaps`);
    const [events] = await this.all(`SELECT count(*) AS n FROM ${EVENT_TABLE}`);
    return {
      flowRows: Number(flows?.['n'] ?? 0),
      gapRows: Number(gaps?.['n'] ?? 0),
      eventRows: Number(events?.['n'] ?? 0),
      firstTime: (flows?.['first'] as Date | null | undefined) ?? null,
      lastTime: (flows?.['last'] as Date | null | undefined) ?? null,
      bytesOnDisk: bytesOnDisk(this.file),
    };
  }

  async retain(policy: RetentionPolicy, nowMs: number): Promise<RetentionResult> {
    this.assertWritable();
    await this.flush();
    return retainFlows(this.conn, () => bytesOnDisk(this.file), policy, nowMs);
  }

  async exportParquet(dir: string, range: ExportRange = {}): Promise<ExportResult> {
    await this.flush();
    return exportFlowsParquet(this.conn, dir, range);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      for (const s of this.siblings) await s.close();
      await this.flush();
      this.flowAppender?.closeSync();
      this.gapAppender?.closeSync();
      this.eventAppender?.closeSync();
    } finally {
      this.conn.closeSync();
      if (this.ownsInstance) this.instance.closeSync();
    }
  }

  private async flowsAppender(): Promise<DuckDBAppender> {
    this.assertWritable();
    this.flowAppenderOpening ??= this.conn.createAppender(FLOW_TABLE).then((a) => (this.flowAppender = a));
    return this.flowAppenderOpening;
  }

  private assertWritable(): void {
    if (this.closed) throw new Error('the flow store is closed');
    if (this.readOnly) {
      throw new UserError(`the store ${this.file} is open read-only`, {
        hint: 'writes (ingest, retention) need a command that opens the store for writing',
        exitCode: EXIT_STORE,
      });
    }
  }
}

function secondsToTimestamp(seconds: number): DuckDBTimestampValue {
  return new DuckDBTimestampValue(BigInt(Math.round(seconds * 1e6)));
}

function appendText(a: DuckDBAppender, v: string | null): void {
  if (v === null) a.appendNull();
  else a.appendVarchar(v);
}

function appendPort(a: DuckDBAppender, v: number | null): void {
  if (v === null || !Number.isInteger(v) || v < 0 || v > 65_535) a.appendNull();
  else a.appendInteger(v);
}

/**
 * Opens (creating when needed) `dataDir/sakura-guard.duckdb`, applies pending schema migrations
 * and returns the store. Read-only opens never create or migrate anything.
 */
export async function openDuckDbStore(
  dataDir: string,
  options: Partial<DuckDbStoreConfig> = {},
): Promise<DuckDbFlowStore> {
  const config = duckDbStoreConfigSchema.parse(options);
  const file = databasePath(dataDir);
  if (config.readOnly && !existsSync(file)) {
    throw new UserError(`no store in ${dataDir}: ${file} does not exist`, {
      hint: 'run `sakura-guard ingest` first, or pass the --data-dir that holds your data',
      exitCode: EXIT_STORE,
    });
  }
  if (!config.readOnly) {
    try {
      mkdirSync(dataDir, { recursive: true });
    } catch (e) {
      throw new UserError(`cannot create the data directory ${dataDir}: ${errorMessage(e)}`, {
        hint: 'pass a writable --data-dir (or set SAKURA_GUARD_DATA_DIR)',
        exitCode: EXIT_STORE,
        cause: e,
      });
    }
  }
  const dbOptions: Record<string, string> = {
    memory_limit: config.memoryLimit ?? (config.readOnly ? '1GB' : '512MB'),
  };
  if (config.threads > 0) dbOptions['threads'] = String(config.threads);
  if (config.readOnly) dbOptions['access_mode'] = 'READ_ONLY';
  const instance = await openInstance(file, dbOptions);
  const conn = await instance.connect();
  try {
    await migrate(conn, file, config.readOnly);
  } catch (e) {
    conn.closeSync();
    instance.closeSync();
    throw e;
  }
  return new DuckDbFlowStore(file, config.readOnly, instance, conn);
}
