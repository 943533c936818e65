// Posture for a report: the newest audit recorded (`audit --record`, src/audit/record.ts keeps
// them in `posture_reports`) by the end of the period, the newest one before the period began
// (the state the previous report saw), and the issues that appeared or were resolved between.

import { z } from 'zod';
import { SEVERITIES, type Severity } from '../audit/types.ts';
import type { FlowStore } from '../store/store.ts';
import type { PostureIssue, PostureSection, PostureSnapshot } from './model.ts';
import type { Period } from './period.ts';

/** The parts of a recorded report (`audit --format json`) the report reads; the rest is ignored. */
const recordedReport = z.object({
  files: z.array(z.unknown()),
  findings: z.array(
    z.object({
      checkId: z.string(),
      severity: z.enum(SEVERITIES),
      message: z.string(),
      file: z.string(),
      line: z.number(),
      resource: z.string(),
      fingerprint: z.string(),
      suppression: z.unknown().optional(),
      observed: z.object({ kind: z.string() }).optional(),
    }),
  ),
});

function snapshot(recordedAtMs: number, body: string): PostureSnapshot | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  const r = recordedReport.safeParse(parsed);
  if (!r.success) return null;
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const issues: PostureIssue[] = [];
  let suppressed = 0;
  let reached = 0;
  for (const f of r.data.findings) {
    if (f.suppression !== undefined) {
      suppressed++;
      continue;
    }
    bySeverity[f.severity]++;
    if (f.observed?.kind === 'reached') reached++;
    // Informational results (a closed port that was probed, a rule to narrow) are not issues.
    if (f.severity === 'info') continue;
    issues.push({
      checkId: f.checkId,
      severity: f.severity,
      resource: f.resource,
      file: f.file,
      line: f.line,
      message: f.message,
      fingerprint: f.fingerprint,
    });
  }
  return {
    recordedAt: new Date(recordedAtMs).toISOString(),
    files: r.data.files.length,
    issues,
    bySeverity,
    suppressed,
    reached,
  };
}

async function newestBefore(store: FlowStore, beforeMs: number): Promise<PostureSnapshot | null> {
  const [row] = await store.all(
    'SELECT recorded_at, body FROM posture_reports WHERE recorded_at < ? ORDER BY recorded_at DESC, seq DESC LIMIT 1',
    [beforeMs],
  );
  return row ? snapshot(Number(row.recorded_at), String(row.body)) : null;
}

export function comparePosture(
  current: PostureSnapshot | null,
  previous: PostureSnapshot | null,
): Pick<PostureSection, 'newIssues' | 'resolved'> {
  if (current === null || previous === null) return { newIssues: [], resolved: [] };
  const before = new Set(previous.issues.map((i) => i.fingerprint));
  const now = new Set(current.issues.map((i) => i.fingerprint));
  return {
    newIssues: current.issues.filter((i) => !before.has(i.fingerprint)),
    resolved: previous.issues.filter((i) => !now.has(i.fingerprint)),
  };
}

export async function postureSection(store: FlowStore, p: Period): Promise<PostureSection> {
  const [t] = await store.all(
    "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'posture_reports'",
  );
  if (Number(t?.n ?? 0) === 0) return { current: null, previous: null, newIssues: [], resolved: [] };
  const current = await newestBefore(store, p.toMs);
  const previous = await newestBefore(store, p.fromMs);
  return { current, previous, ...comparePosture(current, previous) };
}
