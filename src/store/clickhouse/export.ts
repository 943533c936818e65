// Parquet export for the ClickHouse store. ClickHouse 18.16 cannot write Parquet, so each UTC
// day of `flows` is read over HTTP into an in-memory DuckDB table shaped by the embedded store's
// own schema (same column types as the DuckDB export) and written from there.

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { EXIT_STORE, UserError, errorMessage } from '../../core/errors.ts';
import { migrate } from '../migrate.ts';
import { FLOWS_VIEW_COLUMNS } from '../schema.ts';
import type { ExportRange, ExportResult, SqlValue } from '../store.ts';
import { toDuckDbValues } from '../values.ts';
import type { ClickHouseFlowStore } from './store.ts';

const DAY_MS = 86_400_000;
/** Rows per INSERT into the staging table. */
const INSERT_ROWS = 100;

const columns = FLOWS_VIEW_COLUMNS.map((c) => `"${c}"`).join(', ');

async function stage(conn: DuckDBConnection, rows: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_ROWS) {
    const chunk = rows.slice(i, i + INSERT_ROWS);
    const values: SqlValue[] = [];
    const tuples = chunk.map((row) => {
      for (const c of FLOWS_VIEW_COLUMNS) values.push(row[c] as SqlValue);
      return `(${FLOWS_VIEW_COLUMNS.map(() => '?').join(', ')})`;
    });
    await conn.run(`INSERT INTO export_rows VALUES ${tuples.join(', ')}`, toDuckDbValues(values));
  }
}

export async function exportClickHouseParquet(
  store: ClickHouseFlowStore,
  dir: string,
  range: ExportRange,
): Promise<ExportResult> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (range.from) {
    where.push('time >= ?');
    params.push(range.from);
  }
  if (range.to) {
    where.push('time < ?');
    params.push(range.to);
  }
  const days = await store.all(
    `SELECT DISTINCT intDiv(toInt64(time), 86400) AS d FROM flow_rows ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY d`,
    params,
  );
  const result: ExportResult = { files: [], rows: 0 };
  if (days.length === 0) return result;
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    await migrate(conn, ':memory:', false);
    await conn.run(`CREATE TABLE export_rows AS SELECT ${columns} FROM flows LIMIT 0`);
    for (const d of days) {
      const day = new Date(Number(d['d']) * DAY_MS);
      const date = day.toISOString().slice(0, 10);
      const next = new Date(day.getTime() + DAY_MS);
      const from = range.from && range.from > day ? range.from : day;
      const to = range.to && range.to < next ? range.to : next;
      const rows = await store.all(
        `SELECT ${columns} FROM flows WHERE time >= ? AND time < ? ORDER BY time`,
        [from, to],
      );
      const folder = join(resolve(dir), `date=${date}`);
      try {
        mkdirSync(folder, { recursive: true });
      } catch (e) {
        throw new UserError(`cannot create the export folder ${folder}: ${errorMessage(e)}`, {
          hint: 'pass a writable directory to export --parquet',
          exitCode: EXIT_STORE,
          cause: e,
        });
      }
      const path = join(folder, 'flows.parquet');
      await conn.run('DELETE FROM export_rows');
      await stage(conn, rows);
      await conn.run(
        `COPY (SELECT * FROM export_rows ORDER BY time) TO '${path.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`,
      );
      result.files.push({ date, path, rows: rows.length });
      result.rows += rows.length;
    }
  } finally {
    conn.closeSync();
    db.closeSync();
  }
  return result;
}
