// Reads observed traffic from a Sakura Guard data directory: the DuckDB file opened read-only,
// only the documented `flows` and `gaps` columns, values bound as parameters, grouped in SQL so
// memory does not grow with the number of flows.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { EXIT_STORE, UserError, errorMessage } from '../../core/errors.ts';
import { type FlowGroup, type ObservedTraffic, replySql } from './observed.ts';

export const STORE_FILE = 'sakura-guard.duckdb';
/** Cap on distinct (protocol, port, source, action) groups read; a scan can create millions. */
export const MAX_GROUPS = 2_000_000;

export function isDataDir(dir: string): boolean {
  return existsSync(path.join(dir, STORE_FILE));
}

const num = (v: unknown): number =>
  typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : Number(v ?? NaN);

export async function readStoreTraffic(
  dir: string,
  windowDays: number,
  now?: number,
): Promise<ObservedTraffic> {
  const file = path.join(dir, STORE_FILE);
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  } catch (e: unknown) {
    throw new UserError(`cannot open ${file} read-only: ${errorMessage(e)}`, {
      hint: 'stop a running `sakura-guard serve`/`ingest` that holds the write lock, or pass flow files instead',
      exitCode: EXIT_STORE,
      cause: e,
    });
  }
  const conn = await instance.connect();
  try {
    const endRow = (
      await conn.runAndReadAll('SELECT epoch(max("time")) AS t, count(*) AS n FROM flows')
    ).getRowObjects()[0];
    const end = now ?? num(endRow?.t);
    const window = {
      start: (Number.isFinite(end) ? end : 0) - windowDays * 86400,
      end: Number.isFinite(end) ? end : 0,
      days: windowDays,
    };
    const groupsRows = (
      await conn.runAndReadAll(
        `SELECT proto, dst_port, src_ip, coalesce(dst_ip, '') AS dst_ip, action, ${replySql()} AS reply, count(*) AS n
           FROM flows
          WHERE epoch("time") >= $1 AND epoch("time") <= $2 AND coalesce(direction, 'unknown') <> 'egress'
                AND src_ip IS NOT NULL AND proto IS NOT NULL
          GROUP BY ALL
          LIMIT ${MAX_GROUPS}`,
        [window.start, window.end],
      )
    ).getRowObjects();
    const groups: FlowGroup[] = groupsRows.map((r) => ({
      proto: num(r.proto),
      dstPort: r.dst_port === null ? -1 : num(r.dst_port),
      srcIp: String(r.src_ip),
      dstIp: String(r.dst_ip ?? ''),
      action: r.action === 'accept' || r.action === 'reject' ? r.action : 'unknown',
      reply: r.reply === true,
      count: num(r.n),
    }));
    const stats = (
      await conn.runAndReadAll(
        'SELECT count(DISTINCT CAST("time" AS DATE)) AS d, count(*) AS n FROM flows WHERE epoch("time") >= $1 AND epoch("time") <= $2',
        [window.start, window.end],
      )
    ).getRowObjects()[0];
    let gaps: ObservedTraffic['gaps'] = [];
    try {
      gaps = (
        await conn.runAndReadAll(
          'SELECT kind, epoch(start) AS s, epoch("end") AS e FROM gaps WHERE epoch("end") >= $1 AND epoch(start) <= $2',
          [window.start, window.end],
        )
      )
        .getRowObjects()
        .map((r) => ({ kind: String(r.kind), start: num(r.s), end: num(r.e) }));
    } catch {
      gaps = []; // an older store without the gaps table
    }
    return { source: dir, window, groups, gaps, daysWithData: num(stats?.d), flows: num(stats?.n) };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
