// The FlowStore over ClickHouse (scale-out mode): appends are buffered as VALUES tuples and sent
// as one INSERT per table on flush (or when the buffer grows past FLUSH_BYTES); queries go
// through the HTTP interface with `?` bound by literal.ts. Partitions are UTC days, so retention
// drops whole parts (retention.ts); Parquet export goes through an in-memory DuckDB (export.ts).

import { z } from 'zod';
import type { CoverageGap, FlowBatch } from '../../core/flow.ts';
import type { LogEvent } from '../../core/records.ts';
import { EXIT_STORE, UserError } from '../../core/errors.ts';
import { firstInvalidStart, validTime } from '../flow-chunks.ts';
import type {
  ExportRange,
  ExportResult,
  FlowStore,
  FlowStoreStats,
  RetentionPolicy,
  RetentionResult,
  SqlValue,
} from '../store.ts';
import { exportClickHouseParquet } from './export.ts';
import { parseTsv, send, type ClickHouseConnection } from './http.ts';
import { bindParams } from './literal.ts';
import { retainClickHouse } from './retention.ts';
import { eventTuple, flowTuples, gapTuple } from './rows.ts';
import {
  CLICKHOUSE_MIGRATIONS,
  CLICKHOUSE_SCHEMA_VERSION,
  EVENT_COLUMNS,
  EVENT_TABLE,
  FLOW_COLUMNS,
  FLOW_TABLE,
  GAP_COLUMNS,
  GAP_TABLE,
  META_TABLE_SQL,
  type ClickHouseColumn,
} from './schema.ts';

export const clickHouseStoreConfigSchema = z.object({
  /** URL of ClickHouse's HTTP interface. */
  url: z.string().url().default('http://127.0.0.1:8123'),
  /** Database holding the tables; created on the first writable open. */
  database: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a database name: letters, digits and _')
    .default('sakura_guard'),
  user: z.string().default('default'),
  /** Password of `user`; prefer the environment: SAKURA_GUARD__SCALE_OUT__CLICKHOUSE__PASSWORD. */
  password: z.string().default(''),
  /** Queries only: appends and retention are refused. */
  readOnly: z.boolean().default(false),
});
export type ClickHouseStoreConfig = z.infer<typeof clickHouseStoreConfigSchema>;

/** Buffered tuple text that forces an INSERT before flush() is called. */
const FLUSH_BYTES = 8 << 20;

interface Buffer {
  table: string;
  columns: readonly ClickHouseColumn[];
  tuples: string[];
  bytes: number;
}

export class ClickHouseFlowStore implements FlowStore {
  readonly conn: ClickHouseConnection;
  readonly database: string;
  readonly readOnly: boolean;
  private readonly buffers: Buffer[];
  private closed = false;

  constructor(config: ClickHouseStoreConfig) {
    this.conn = { url: config.url, user: config.user, password: config.password };
    this.database = config.database;
    this.readOnly = config.readOnly;
    this.buffers = [
      { table: FLOW_TABLE, columns: FLOW_COLUMNS, tuples: [], bytes: 0 },
      { table: GAP_TABLE, columns: GAP_COLUMNS, tuples: [], bytes: 0 },
      { table: EVENT_TABLE, columns: EVENT_COLUMNS, tuples: [], bytes: 0 },
    ];
  }

  async appendFlows(batch: FlowBatch): Promise<void> {
    this.assertWritable();
    const bad = firstInvalidStart(batch);
    if (bad >= 0) {
      throw new Error(
        `flow batch row ${bad} has start time ${batch.start[bad]}; parsers must reject such records`,
      );
    }
    await this.queue(0, flowTuples(batch));
  }

  async appendGaps(gaps: readonly CoverageGap[]): Promise<void> {
    if (gaps.length === 0) return;
    this.assertWritable();
    const bad = gaps.findIndex((g) => !validTime(g.start));
    if (bad >= 0)
      throw new Error(`coverage gap ${bad} has start time ${gaps[bad]?.start}; it cannot be stored`);
    await this.queue(1, gaps.map(gapTuple));
  }

  async appendEvents(events: readonly LogEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.assertWritable();
    const bad = events.findIndex((e) => !validTime(e.time));
    if (bad >= 0) throw new Error(`log event ${bad} has time ${events[bad]?.time}; it cannot be stored`);
    await this.queue(2, events.map(eventTuple));
  }

  async flush(): Promise<void> {
    for (const b of this.buffers) {
      if (b.tuples.length === 0) continue;
      const tuples = b.tuples;
      b.tuples = [];
      b.bytes = 0;
      const columns = b.columns.map((c) => `\`${c.name}\``).join(', ');
      await this.exec(`INSERT INTO \`${b.table}\` (${columns}) VALUES ${tuples.join(',')}`);
    }
  }

  async all(sql: string, params: readonly SqlValue[] = []): Promise<Record<string, unknown>[]> {
    await this.flush();
    return parseTsv(await send(this.conn, bindParams(sql, params), { database: this.database }));
  }

  /** Runs a statement of our own (DDL, INSERT, ALTER) in the store's database. */
  async exec(sql: string): Promise<void> {
    await send(this.conn, sql, { database: this.database, format: false });
  }

  async stats(): Promise<FlowStoreStats> {
    const [flows] = await this.all(
      `SELECT count() AS n, min(time) AS first, max(time) AS last FROM ${FLOW_TABLE}`,
    );
    const [gaps] = await this.all(`SELECT count() AS n FROM ${GAP_TABLE}`);
    const [events] = await this.all(`SELECT count() AS n FROM ${EVENT_TABLE}`);
    const flowRows = Number(flows?.['n'] ?? 0);
    return {
      flowRows,
      gapRows: Number(gaps?.['n'] ?? 0),
      eventRows: Number(events?.['n'] ?? 0),
      firstTime: flowRows > 0 ? (flows?.['first'] as Date) : null,
      lastTime: flowRows > 0 ? (flows?.['last'] as Date) : null,
      bytesOnDisk: await this.bytesOnDisk(),
    };
  }

  /** Bytes of the database's active parts on the server's disk. */
  async bytesOnDisk(): Promise<number> {
    const [row] = await this.all(
      'SELECT sum(bytes_on_disk) AS b FROM system.parts WHERE database = ? AND active',
      [this.database],
    );
    return Number(row?.['b'] ?? 0);
  }

  async retain(policy: RetentionPolicy, nowMs: number): Promise<RetentionResult> {
    this.assertWritable();
    await this.flush();
    return retainClickHouse(this, policy, nowMs);
  }

  async exportParquet(dir: string, range: ExportRange = {}): Promise<ExportResult> {
    await this.flush();
    return exportClickHouseParquet(this, dir, range);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (!this.readOnly) await this.flush();
    this.closed = true;
  }

  private async queue(index: number, tuples: string[]): Promise<void> {
    const b = this.buffers[index]!;
    for (const t of tuples) {
      b.tuples.push(t);
      b.bytes += t.length;
    }
    if (b.bytes >= FLUSH_BYTES) await this.flush();
  }

  private assertWritable(): void {
    if (this.closed) throw new Error('the flow store is closed');
    if (this.readOnly) {
      throw new UserError(`the ClickHouse store ${this.database} is open read-only`, {
        hint: 'writes (ingest, retention) need a node that opens the store for writing',
        exitCode: EXIT_STORE,
      });
    }
  }
}

async function schemaVersion(store: ClickHouseFlowStore): Promise<number> {
  const [exists] = await store.all('SELECT count() AS n FROM system.tables WHERE database = ? AND name = ?', [
    store.database,
    'meta',
  ]);
  if (Number(exists?.['n'] ?? 0) === 0) return 0;
  const [row] = await store.all('SELECT max(version) AS v FROM meta');
  return Number(row?.['v'] ?? 0);
}

/** Opens the store, creating the database and applying pending migrations unless read-only. */
export async function openClickHouseStore(
  options: Partial<ClickHouseStoreConfig> = {},
): Promise<ClickHouseFlowStore> {
  const config = clickHouseStoreConfigSchema.parse(options);
  const store = new ClickHouseFlowStore(config);
  if (!config.readOnly)
    await send(store.conn, `CREATE DATABASE IF NOT EXISTS \`${config.database}\``, { format: false });
  const current = await schemaVersion(store);
  if (current > CLICKHOUSE_SCHEMA_VERSION) {
    throw new UserError(
      `the ClickHouse database ${config.database} has schema version ${current}, newer than this program (${CLICKHOUSE_SCHEMA_VERSION})`,
      { hint: 'upgrade sakura-guard on every node', exitCode: EXIT_STORE },
    );
  }
  if (current === CLICKHOUSE_SCHEMA_VERSION) return store;
  if (config.readOnly) {
    throw new UserError(
      `the ClickHouse database ${config.database} has schema version ${current}; this program needs ${CLICKHOUSE_SCHEMA_VERSION}`,
      { hint: 'start an ingest node (it migrates the schema) before read-only nodes', exitCode: EXIT_STORE },
    );
  }
  await store.exec(META_TABLE_SQL);
  for (const m of CLICKHOUSE_MIGRATIONS) {
    if (m.version <= current) continue;
    // ClickHouse has no transactions: every statement is idempotent (IF NOT EXISTS), so a
    // migration interrupted half-way is completed by the next open.
    for (const sql of m.statements) await store.exec(sql);
    await store.exec(`INSERT INTO meta (version) VALUES (${m.version})`);
  }
  return store;
}
