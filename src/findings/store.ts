// Where findings and suppression rules persist. Two implementations share one contract suite
// (store-contract.ts): memory-store.ts for tests and dry runs, duckdb-store.ts for the data dir.

import type { Finding, FindingStatus } from './finding.ts';
import { globMatches } from './glob.ts';
import type { SuppressionRule } from './suppression.ts';

export interface FindingQuery {
  minSeverity?: number;
  /** Glob over the finding type. */
  type?: string;
  status?: FindingStatus;
}

export interface FindingStore {
  get(id: string): Promise<Finding | null>;
  /** Inserts or replaces by id. May be buffered: visible to get/list at once, durable after flush(). */
  put(finding: Finding): Promise<void>;
  /** Writes buffered puts. Callers that finish a unit of work (a batch, a user action) call it. */
  flush(): Promise<void>;
  /** Sorted by severity (highest first), then last seen (newest first), then id. */
  list(query?: FindingQuery): Promise<Finding[]>;
  putRule(rule: SuppressionRule): Promise<void>;
  listRules(): Promise<SuppressionRule[]>;
  deleteRule(id: string): Promise<boolean>;
}

export function matchesQuery(f: Finding, q: FindingQuery): boolean {
  if (q.minSeverity !== undefined && f.severity < q.minSeverity) return false;
  if (q.status !== undefined && f.status !== q.status) return false;
  if (q.type !== undefined && !globMatches(q.type, f.type)) return false;
  return true;
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.severity !== b.severity) return b.severity - a.severity;
  if (a.lastSeen !== b.lastSeen) return a.lastSeen < b.lastSeen ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The `findings` table query of a list for SQL stores (DuckDB, PostgreSQL): severity and status
 * in SQL with `$n` parameters; the type glob, case-insensitive like the CLI's, and the order are
 * applied to the bodies by `listedFindings`.
 */
export function findingListSql(q: FindingQuery): { sql: string; values: (string | number)[] } {
  const where: string[] = [];
  const values: (string | number)[] = [];
  if (q.minSeverity !== undefined) {
    values.push(q.minSeverity);
    where.push(`severity >= $${values.length}`);
  }
  if (q.status !== undefined) {
    values.push(q.status);
    where.push(`status = $${values.length}`);
  }
  return {
    sql: `SELECT body FROM findings${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`,
    values,
  };
}

/** The JSON bodies `findingListSql` read, filtered by the rest of the query and sorted. */
export function listedFindings(bodies: readonly string[], q: FindingQuery): Finding[] {
  return bodies
    .map((b) => JSON.parse(b) as Finding)
    .filter((f) => matchesQuery(f, q))
    .sort(compareFindings);
}
