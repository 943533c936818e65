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
  lastSeen: 'last_seen_ms',
  firstSeen: 'first_seen_ms',
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
  // The page's ids first, sorting narrow columns only; then those rows' bodies. Sorting with the
  // JSON bodies in tow cost ~3x more on a first page and ~10x more deep in the list.
  const page = await all(
    `SELECT id FROM findings ${filter} ORDER BY ${COLUMN[q.sort]} ${dir} NULLS LAST, id ASC LIMIT ? OFFSET ?`,
    [...params, q.limit, q.offset],
  );
  const ids = page.map((r) => String(r['id']));
  const bodies =
    ids.length === 0
      ? []
      : await all(`SELECT id, body FROM findings WHERE id IN (${ids.map(() => '?').join(', ')})`, ids);
  const byId = new Map(bodies.map((r) => [String(r['id']), String(r['body'])]));
  return {
    total: Number(count?.['n'] ?? 0),
    items: ids.flatMap((id) => {
      const body = byId.get(id);
      return body === undefined ? [] : [JSON.parse(body) as Finding];
    }),
  };
}
