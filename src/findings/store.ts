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
