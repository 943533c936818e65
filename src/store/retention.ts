// Retention: by age (drop flows, gaps and events that started before now - N days) and by size (drop
// whole UTC days, oldest first, until the store uses at most maxBytes). After deleting, a
// CHECKPOINT writes the tables back so DuckDB frees the blocks the deleted rows occupied.
//
// DuckDB reuses freed blocks for new data but only shrinks the file when the free blocks are at
// its end, so the size rule measures the bytes in use (used blocks x block size + WAL), not the
// file's length; see docs/storage.md.

import type { DuckDBConnection } from '@duckdb/node-api';
import { EVENT_TABLE, FLOW_TABLE } from './schema.ts';
import type { RetentionPolicy, RetentionResult } from './store.ts';
import { toDuckDbValues } from './values.ts';

const DAY_MS = 86_400_000;

/** Bytes of the database in use: used blocks times block size, plus the write-ahead log. */
export async function bytesInUse(conn: DuckDBConnection): Promise<number> {
  const r = await conn.runAndReadAll(
    `SELECT used_blocks, block_size FROM pragma_database_size() WHERE database_name = current_database()`,
  );
  const row = r.getRowsJS()[0];
  const used = Number(row?.[0] ?? 0) * Number(row?.[1] ?? 0);
  const wal = await conn.runAndReadAll(
    `SELECT wal_size FROM pragma_database_size() WHERE database_name = current_database()`,
  );
  return used + parseSize(String(wal.getRowsJS()[0]?.[0] ?? '0'));
}

/** Parses DuckDB's human size text ("0 bytes", "1.5 MiB") into bytes. */
export function parseSize(text: string): number {
  const m = /^([\d.]+)\s*(bytes|KiB|MiB|GiB|TiB|KB|MB|GB|TB)?$/i.exec(text.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'bytes').toLowerCase();
  const scale: Record<string, number> = {
    bytes: 1,
    kib: 1024,
    mib: 1024 ** 2,
    gib: 1024 ** 3,
    tib: 1024 ** 4,
    kb: 1e3,
    mb: 1e6,
    gb: 1e9,
    tb: 1e12,
  };
  return n * (scale[unit] ?? 1);
}

interface Deleted {
  flows: number;
  gaps: number;
  events: number;
}

async function deleteBefore(conn: DuckDBConnection, cutoff: Date): Promise<Deleted> {
  const params = toDuckDbValues([cutoff]);
  const flows = await conn.run(`DELETE FROM ${FLOW_TABLE} WHERE time < ?`, params);
  const gaps = await conn.run(`DELETE FROM gaps WHERE start < ?`, params);
  const events = await conn.run(`DELETE FROM ${EVENT_TABLE} WHERE time < ?`, params);
  return { flows: flows.rowsChanged, gaps: gaps.rowsChanged, events: events.rowsChanged };
}

function addDeleted(result: RetentionResult, d: Deleted): void {
  result.flowRowsDeleted += d.flows;
  result.gapRowsDeleted += d.gaps;
  result.eventRowsDeleted += d.events;
}

/** UTC days holding flows, gaps or events, oldest first, as YYYY-MM-DD. */
async function storedDays(conn: DuckDBConnection): Promise<string[]> {
  const r = await conn.runAndReadAll(
    `SELECT DISTINCT d FROM (SELECT CAST(time AS DATE) AS d FROM ${FLOW_TABLE}
       UNION ALL SELECT CAST(start AS DATE) FROM gaps
       UNION ALL SELECT CAST(time AS DATE) FROM ${EVENT_TABLE}) ORDER BY d`,
  );
  return r.getRowsJS().map((row) => (row[0] as Date).toISOString().slice(0, 10));
}

export async function retainFlows(
  conn: DuckDBConnection,
  bytesOnDisk: () => number,
  policy: RetentionPolicy,
  nowMs: number,
): Promise<RetentionResult> {
  const result: RetentionResult = {
    flowRowsDeleted: 0,
    gapRowsDeleted: 0,
    eventRowsDeleted: 0,
    daysDropped: [],
    bytesBefore: bytesOnDisk(),
    bytesAfter: 0,
    withinMaxBytes: true,
  };
  if (policy.maxAgeDays !== undefined) {
    addDeleted(result, await deleteBefore(conn, new Date(nowMs - policy.maxAgeDays * DAY_MS)));
  }
  await conn.run('CHECKPOINT');
  if (policy.maxBytes !== undefined) {
    while ((await bytesInUse(conn)) > policy.maxBytes) {
      const days = await storedDays(conn);
      const oldest = days[0];
      if (oldest === undefined || days.length <= 1) {
        result.withinMaxBytes = false;
        break;
      }
      addDeleted(result, await deleteBefore(conn, new Date(Date.parse(`${oldest}T00:00:00Z`) + DAY_MS)));
      result.daysDropped.push(oldest);
      await conn.run('CHECKPOINT');
    }
  }
  result.bytesAfter = bytesOnDisk();
  return result;
}
