// `export --parquet DIR` while `serve` holds the store: the server lists the UTC days holding
// flows and streams each day's flows as NDJSON (api/routes/export.ts); this side writes the same
// files a local export writes (DIR/date=YYYY-MM-DD/flows.parquet, the `flows` view's columns and
// types, ordered by time) through a scratch store in a temporary folder, removed afterwards.

import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { openDuckDbStore } from '../store/duckdb.ts';
import { dayParquetPath, sqlLiteral } from '../store/export-parquet.ts';
import { FLOWS_VIEW_COLUMNS } from '../store/schema.ts';
import type { ExportRange, ExportResult } from '../store/store.ts';
import type { ServerClient } from './server-client.ts';

const DAY_MS = 86_400_000;

export async function exportThroughServer(
  server: ServerClient,
  dir: string,
  range: ExportRange,
): Promise<ExportResult> {
  const params = new URLSearchParams();
  if (range.from) params.set('from', range.from.toISOString());
  if (range.to) params.set('to', range.to.toISOString());
  const { days } = await server.request<{ days: { date: string; rows: number }[] }>(
    'GET',
    `/api/v1/export/days?${params.toString()}`,
  );
  const result: ExportResult = { files: [], rows: 0 };
  if (days.length === 0) return result;
  const work = await mkdtemp(join(tmpdir(), 'sakura-guard-export-'));
  try {
    // A scratch store gives the `flows` view's column types for the rows read back from NDJSON.
    const scratch = await openDuckDbStore(join(work, 'data'));
    try {
      const conn = scratch.connection;
      const columns = FLOWS_VIEW_COLUMNS.map((c) => `"${c}"`).join(', ');
      await conn.run(`CREATE TEMP TABLE export_rows AS SELECT ${columns} FROM flows LIMIT 0`);
      for (const { date } of days) {
        const dayStart = new Date(`${date}T00:00:00Z`);
        const dayEnd = new Date(dayStart.getTime() + DAY_MS);
        const from = range.from && range.from > dayStart ? range.from : dayStart;
        const to = range.to && range.to < dayEnd ? range.to : dayEnd;
        const q = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), format: 'ndjson' });
        const r = await server.send('GET', `/api/v1/export/flows?${q.toString()}`);
        const part = join(work, `${date}.ndjson`);
        await pipeline(Readable.fromWeb(r.body as WebReadableStream<Uint8Array>), createWriteStream(part));
        await conn.run('DELETE FROM export_rows');
        await conn.run(
          `INSERT INTO export_rows BY NAME
           SELECT * FROM read_json(${sqlLiteral(part)}, format = 'newline_delimited', sample_size = -1)`,
        );
        const path = dayParquetPath(dir, date);
        const copied = await conn.run(
          `COPY (SELECT * FROM export_rows ORDER BY time) TO ${sqlLiteral(path)} (FORMAT parquet, COMPRESSION zstd)`,
        );
        result.files.push({ date, path, rows: copied.rowsChanged });
        result.rows += copied.rowsChanged;
      }
    } finally {
      await scratch.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return result;
}
