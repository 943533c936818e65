// Reads observed traffic from a Sakura Guard data directory through the store opened read-only
// (src/store): only the documented `flows` view and `gaps` table columns, values bound as
// parameters, grouped in SQL so memory does not grow with the number of flows.

import { existsSync } from 'node:fs';
import { DATABASE_FILE, databasePath, openDuckDbStore } from '../../store/duckdb.ts';
import { type FlowGroup, type ObservedTraffic, replySql } from './observed.ts';

export const STORE_FILE = DATABASE_FILE;
/** Cap on distinct (protocol, port, source, destination, action) groups read; a scan can make millions. */
export const MAX_GROUPS = 2_000_000;

export function isDataDir(dir: string): boolean {
  return existsSync(databasePath(dir));
}

const num = (v: unknown): number =>
  typeof v === 'bigint'
    ? Number(v)
    : typeof v === 'number'
      ? v
      : v instanceof Date
        ? v.getTime() / 1000
        : Number(v ?? NaN);

export async function readStoreTraffic(
  dir: string,
  windowDays: number,
  now?: number,
): Promise<ObservedTraffic> {
  const store = await openDuckDbStore(dir, { readOnly: true });
  try {
    return await readTraffic((sql, params) => store.all(sql, params), dir, windowDays, now);
  } finally {
    await store.close();
  }
}

type All = (sql: string, params?: readonly number[]) => Promise<Record<string, unknown>[]>;

/** Observed traffic from an open store (`serve` reads its own this way); `source` names it. */
export async function readTraffic(
  all: All,
  source: string,
  windowDays: number,
  now?: number,
): Promise<ObservedTraffic> {
  const [last] = await all('SELECT epoch(max("time")) AS t FROM flows');
  const newest = num(last?.t);
  const end = now ?? (Number.isFinite(newest) ? newest : 0);
  const window = { start: end - windowDays * 86400, end, days: windowDays };
  const rows = await all(
    `SELECT proto, dst_port, src_ip, coalesce(dst_ip, '') AS dst_ip, action, ${replySql()} AS reply, count(*) AS n
       FROM flows
      WHERE epoch("time") >= $1 AND epoch("time") <= $2 AND coalesce(direction, 'unknown') <> 'egress'
            AND src_ip IS NOT NULL AND proto IS NOT NULL
      GROUP BY ALL
      LIMIT ${MAX_GROUPS}`,
    [window.start, window.end],
  );
  const groups: FlowGroup[] = rows.map((r) => ({
    proto: num(r.proto),
    dstPort: r.dst_port === null || r.dst_port === undefined ? -1 : num(r.dst_port),
    srcIp: String(r.src_ip),
    dstIp: String(r.dst_ip ?? ''),
    action: r.action === 'accept' || r.action === 'reject' ? r.action : 'unknown',
    reply: r.reply === true,
    count: num(r.n),
  }));
  const [stats] = await all(
    'SELECT count(DISTINCT CAST("time" AS DATE)) AS d, count(*) AS n FROM flows WHERE epoch("time") >= $1 AND epoch("time") <= $2',
    [window.start, window.end],
  );
  const gaps = (
    await all(
      'SELECT kind, epoch(start) AS s, epoch(coalesce("end", start)) AS e FROM gaps WHERE epoch(coalesce("end", start)) >= $1 AND epoch(start) <= $2',
      [window.start, window.end],
    )
  ).map((r) => ({ kind: String(r.kind), start: num(r.s), end: num(r.e) }));
  return { source, window, groups, gaps, daysWithData: num(stats?.d), flows: num(stats?.n) };
}
