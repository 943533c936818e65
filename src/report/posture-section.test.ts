import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditReport } from '../audit/audit.ts';
import { savePostureReport } from '../audit/record.ts';
import type { AuditFinding, Severity } from '../audit/types.ts';
import { openDuckDbStore, type DuckDbFlowStore } from '../store/duckdb.ts';
import { postureSection } from './posture-section.ts';

const finding = (
  checkId: string,
  severity: Severity,
  line: number,
  extra: Partial<AuditFinding> = {},
): AuditFinding => ({
  checkId,
  severity,
  message: `${checkId} at line ${line}`,
  file: 'compose.yml',
  line,
  endLine: line,
  resource: 'service db',
  scope: { startLine: 1, endLine: 20 },
  ...extra,
});

const report = (findings: AuditFinding[]): AuditReport => ({
  version: 1,
  files: [{ file: 'compose.yml', kind: 'compose' }],
  findings,
  rules: [],
  problems: [],
  checks: [],
});

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 16);

let dir = '';
let store: DuckDbFlowStore;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sg-report-posture-'));
  store = await openDuckDbStore(dir);
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('posture section', () => {
  it('is empty when no audit was recorded', async () => {
    expect(await postureSection(store, { fromMs: T0, toMs: T0 + 7 * DAY })).toEqual({
      current: null,
      previous: null,
      newIssues: [],
      resolved: [],
    });
  });

  it('compares the newest audit of the period with the newest one before it', async () => {
    const ssh = finding('NET-SSH-OPEN', 'high', 3);
    await savePostureReport(
      store.connection,
      report([ssh, finding('COMPOSE-PORT-PUBLISHED', 'medium', 9)]),
      T0 - DAY,
    );
    await savePostureReport(
      store.connection,
      report([
        ssh,
        finding('COMPOSE-PRIVILEGED', 'high', 12),
        finding('FLOW-EXPOSURE-PROBED', 'info', 14),
        finding('NET-RDP-OPEN', 'high', 20, {
          suppression: { kind: 'inSource', justification: 'lab', line: 19 },
        }),
      ]),
      T0 + 2 * DAY,
    );
    // recorded after the period: not seen by this report
    await savePostureReport(store.connection, report([]), T0 + 8 * DAY);

    const p = await postureSection(store, { fromMs: T0, toMs: T0 + 7 * DAY });
    expect(p.current?.recordedAt).toBe(new Date(T0 + 2 * DAY).toISOString());
    expect(p.current?.issues.map((i) => i.checkId)).toEqual(['NET-SSH-OPEN', 'COMPOSE-PRIVILEGED']);
    expect(p.current?.bySeverity).toMatchObject({ high: 2, info: 1 });
    expect(p.current?.suppressed).toBe(1);
    expect(p.previous?.recordedAt).toBe(new Date(T0 - DAY).toISOString());
    expect(p.newIssues.map((i) => i.checkId)).toEqual(['COMPOSE-PRIVILEGED']);
    expect(p.resolved.map((i) => i.checkId)).toEqual(['COMPOSE-PORT-PUBLISHED']);
  });
});
