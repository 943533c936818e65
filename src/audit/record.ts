// Recording a posture audit in a data directory: its `Policy:Host/ExposedSensitivePort` signals
// go through the findings stage (stable ids, aggregation, trusted silence, suppression) into the
// finding store beside the runtime findings, and the report itself is kept in `posture_reports`
// (the last POSTURE_REPORTS_KEPT) for the API. Values are always bound as parameters.

import type { DuckDBConnection } from '@duckdb/node-api';
import type { Clock } from '../core/clock.ts';
import type { AssetLookup, IntelLookup } from '../engine/lookups.ts';
import { createFindingsStage } from '../findings/stage.ts';
import type { FindingStore } from '../findings/store.ts';
import type { AuditReport } from './audit.ts';
import { postureSignals } from './flows/signals.ts';
import { toJson } from './output/json.ts';

/** Recorded reports kept; older ones are deleted when a new one is saved. */
export const POSTURE_REPORTS_KEPT = 20;

const SCHEMA = `CREATE TABLE IF NOT EXISTS posture_reports (
  recorded_at BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  body VARCHAR NOT NULL
)`;

export interface PostureRecordCounts {
  signals: number;
  new: number;
  updated: number;
  /** Same host, exposure and window as a finding already stored: nothing changed. */
  repeat: number;
  /** Dropped because the host or the source is on a trusted list. */
  trusted: number;
}

export interface RecordDeps {
  store: FindingStore;
  clock: Clock;
  intel: IntelLookup;
  assets: AssetLookup;
}

/** Posture signals of a (traffic-joined) report into findings; flushes the store. */
export async function recordPostureFindings(
  report: AuditReport,
  deps: RecordDeps,
): Promise<PostureRecordCounts> {
  const stage = createFindingsStage(deps);
  const signals = postureSignals(report);
  for (const s of signals) await stage.accept(s);
  await deps.store.flush();
  return { signals: signals.length, ...stage.counts };
}

/** Stores the report's JSON (as `audit --format json` prints it) and drops all but the newest `keep`. */
export async function savePostureReport(
  conn: DuckDBConnection,
  report: AuditReport,
  recordedAtMs: number,
  keep = POSTURE_REPORTS_KEPT,
): Promise<void> {
  await conn.run(SCHEMA);
  const r = await conn.runAndReadAll('SELECT coalesce(max(seq), 0) FROM posture_reports');
  const seq = Number(r.getRows()[0]?.[0] ?? 0) + 1;
  await conn.run('INSERT INTO posture_reports (recorded_at, seq, body) VALUES ($1, $2, $3)', [
    recordedAtMs,
    seq,
    toJson(report),
  ]);
  await conn.run('DELETE FROM posture_reports WHERE seq <= $1', [seq - keep]);
}

export interface RecordedReport {
  recordedAt: string;
  report: unknown;
}

/** The newest recorded report, or null when none was recorded (or the table does not exist yet). */
export async function latestPostureReport(
  all: (sql: string, params?: readonly (string | number)[]) => Promise<Record<string, unknown>[]>,
): Promise<RecordedReport | null> {
  const [t] = await all(
    "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'posture_reports'",
  );
  if (Number(t?.n ?? 0) === 0) return null;
  const [row] = await all('SELECT recorded_at, body FROM posture_reports ORDER BY seq DESC LIMIT 1');
  if (!row) return null;
  return {
    recordedAt: new Date(Number(row.recorded_at)).toISOString(),
    report: JSON.parse(String(row.body)) as unknown,
  };
}
