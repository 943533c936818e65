// One page of findings straight from the `findings` table of the DuckDB file: filters, sort and
// paging in SQL (bound parameters only), so a page costs the same with 100 or 100 000 stored.
// FindingStore.list() returns everything; this is the server's fast path over the same table.

import type { Finding, FindingStatus } from '../findings/finding.ts';
import type { SqlValue } from '../store/store.ts';

export type FindingSort = 'severity' | 'lastSeen' | 'firstSeen' | 'type';

export interface FindingPageQuery {
  status?: FindingStatus;
  /** Shell-style glob over the type, case-insensitive (as findings/glob.ts). */
  type?: string;
  minSeverity?: number;
  /** Exact resource or actor address. */
  ip?: string;
  sort: FindingSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

const COLUMN: Record<FindingSort, string> = {
  severity: 'severity',
  lastSeen: 'last_seen',
  firstSeen: 'first_seen',
  type: 'type',
};

/** `Recon:*` -> `Recon:%` for ILIKE ... ESCAPE '\'. */
export function globToLike(glob: string): string {
  let out = '';
  for (const c of glob) {
    if (c === '*') out += '%';
    else if (c === '?') out += '_';
    else if (c === '%' || c === '_' || c === '\\') out += `\\${c}`;
    else out += c;
  }
  return out;
}

type All = (sql: string, params?: readonly SqlValue[]) => Promise<Record<string, unknown>[]>;

export async function pageFindings(
  all: All,
  q: FindingPageQuery,
): Promise<{ total: number; items: Finding[] }> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (q.status !== undefined) {
    where.push('status = ?');
    params.push(q.status);
  }
  if (q.type !== undefined) {
    where.push("type ILIKE ? ESCAPE '\\'");
    params.push(globToLike(q.type));
  }
  if (q.minSeverity !== undefined) {
    where.push('severity >= ?');
    params.push(q.minSeverity);
  }
  if (q.ip !== undefined) {
    where.push('(resource_ip = ? OR actor_ip = ?)');
    params.push(q.ip, q.ip);
  }
  const filter = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
  const dir = q.order === 'asc' ? 'ASC' : 'DESC';
  const [count] = await all(`SELECT count(*) AS n FROM findings ${filter}`, params);
  const rows = await all(
    `SELECT body FROM findings ${filter} ORDER BY ${COLUMN[q.sort]} ${dir}, id ASC LIMIT ? OFFSET ?`,
    [...params, q.limit, q.offset],
  );
  return {
    total: Number(count?.['n'] ?? 0),
    items: rows.map((r) => JSON.parse(String(r['body'])) as Finding),
  };
}
