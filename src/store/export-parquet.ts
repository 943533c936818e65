// Export of the `flows` view to Parquet, one file per UTC day in Hive layout
// (`dir/date=YYYY-MM-DD/flows.parquet`), so DuckDB, Spark or Athena read the folder as a
// date-partitioned table. Each file holds the documented columns, ordered by time.

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { EXIT_STORE, UserError, errorMessage } from '../core/errors.ts';
import { FLOW_TABLE, FLOWS_VIEW_COLUMNS } from './schema.ts';
import type { ExportRange, ExportResult, SqlValue } from './store.ts';
import { toDuckDbValues } from './values.ts';

const DAY_MS = 86_400_000;

function rangeWhere(range: ExportRange, params: SqlValue[]): string {
  const parts: string[] = [];
  if (range.from) {
    parts.push('time >= ?');
    params.push(range.from);
  }
  if (range.to) {
    parts.push('time < ?');
    params.push(range.to);
  }
  return parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`;
}

/** SQL string literal (COPY's target and read_json's file cannot be bound parameters). */
export function sqlLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** DIR/date=YYYY-MM-DD/flows.parquet, its folder created (a UserError saying so when it cannot be). */
export function dayParquetPath(dir: string, date: string): string {
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
  return join(folder, 'flows.parquet');
}

export async function exportFlowsParquet(
  conn: DuckDBConnection,
  dir: string,
  range: ExportRange = {},
): Promise<ExportResult> {
  const params: SqlValue[] = [];
  const where = rangeWhere(range, params);
  const days = await conn.runAndReadAll(
    `SELECT DISTINCT CAST(time AS DATE) AS d FROM ${FLOW_TABLE} ${where} ORDER BY d`,
    toDuckDbValues(params),
  );
  const result: ExportResult = { files: [], rows: 0 };
  const columns = FLOWS_VIEW_COLUMNS.map((c) => `"${c}"`).join(', ');
  for (const row of days.getRowsJS()) {
    const day = row[0] as Date;
    const date = day.toISOString().slice(0, 10);
    const from = range.from && range.from > day ? range.from : day;
    const next = new Date(day.getTime() + DAY_MS);
    const to = range.to && range.to < next ? range.to : next;
    const path = dayParquetPath(dir, date);
    const copied = await conn.run(
      `COPY (SELECT ${columns} FROM flows WHERE time >= ? AND time < ? ORDER BY time)
       TO ${sqlLiteral(path)} (FORMAT parquet, COMPRESSION zstd)`,
      toDuckDbValues([from, to]),
    );
    result.files.push({ date, path, rows: copied.rowsChanged });
    result.rows += copied.rowsChanged;
  }
  return result;
}
