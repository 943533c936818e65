import { describe, expect, it } from 'vitest';
import { makeFinding } from '../alerts/test-findings.ts';
import { CHECKS } from '../audit/checks/definitions.ts';
import { detectors } from '../detectors/index.ts';
import { CHECK_CONTROLS, complianceView, CONTROLS, DETECTOR_CONTROLS } from './compliance.ts';
import type { CoverageSection, PostureSection, PostureSnapshot } from './model.ts';

const coverage = (over: Partial<CoverageSection> = {}): CoverageSection => ({
  flows: 100,
  bytes: 1000,
  accepted: 90,
  rejected: 10,
  sources: [
    { source: 'vpc', flows: 100, first: '2026-11-20T00:00:00.000Z', last: '2026-11-20T01:00:00.000Z' },
  ],
  gaps: [],
  quarantine: { total: 0, byReason: [] },
  ...over,
});

const snapshot = (checkIds: string[]): PostureSnapshot => ({
  recordedAt: '2026-11-20T00:00:00.000Z',
  files: 1,
  issues: checkIds.map((checkId, i) => ({
    checkId,
    severity: 'high',
    resource: 'service db',
    file: 'compose.yml',
    line: i + 1,
    message: 'm',
    fingerprint: `fp${i}`,
  })),
  bySeverity: { info: 0, low: 0, medium: 0, high: checkIds.length, critical: 0 },
  suppressed: 0,
  reached: 0,
});

const posture = (current: PostureSnapshot | null): PostureSection => ({
  current,
  previous: null,
  newIssues: [],
  resolved: [],
});

describe('compliance mapping', () => {
  it('maps every posture check and every registered detector to a control', () => {
    const unmappedChecks = CHECKS.map((c) => c.id).filter((id) => !(id in CHECK_CONTROLS));
    expect(unmappedChecks, 'add these check ids to CHECK_CONTROLS in src/report/compliance.ts').toEqual([]);
    const unmappedDetectors = detectors.map((d) => d.id).filter((id) => !(id in DETECTOR_CONTROLS));
    expect(
      unmappedDetectors,
      'add these detector ids to DETECTOR_CONTROLS in src/report/compliance.ts',
    ).toEqual([]);
    for (const c of [...Object.values(CHECK_CONTROLS), ...Object.values(DETECTOR_CONTROLS)]) {
      expect(CONTROLS).toContain(c);
    }
  });

  it('gives each control a status from the period evidence', () => {
    const view = complianceView({
      findings: [
        makeFinding({ detector: 'bruteforce', severity: 8 }),
        makeFinding({ id: 'f2', detector: 'portscan' }),
      ],
      posture: posture(snapshot(['NET-SSH-OPEN', 'NET-SSH-OPEN'])),
      coverage: coverage({ quarantine: { total: 3, byReason: [{ reason: 'bad-ip', count: 3 }] } }),
      blocked: { configured: false, rejectedFlows: 10 },
    });
    const by = new Map(view.map((c) => [c.control, c]));
    expect([...by.keys()]).toEqual(CONTROLS);
    const lp = by.get('least-privilege');
    expect(lp?.status).toBe('attention');
    expect(lp?.items.find((i) => i.id === 'NET-SSH-OPEN')?.count).toBe(2);
    expect(lp?.items.find((i) => i.id === 'bruteforce')?.count).toBe(1);
    expect(lp?.evidence).toContainEqual({ kind: 'checks', checks: expect.any(Number) as number, issues: 2 });
    expect(by.get('segmentation')?.items.find((i) => i.id === 'portscan')?.count).toBe(1);
    expect(by.get('logging-monitoring')?.status).toBe('attention'); // 3 lines quarantined
    expect(by.get('incident-response')?.status).toBe('attention'); // an open high finding
    expect(by.get('incident-response')?.evidence).toContainEqual({
      kind: 'response',
      findings: 2,
      archived: 0,
      openHigh: 1,
      responder: null,
    });
  });

  it('says "no evidence" without flows or an audit, and "ok" when the evidence shows no issue', () => {
    const none = complianceView({
      findings: [],
      posture: posture(null),
      coverage: coverage({ flows: 0, sources: [] }),
      blocked: { configured: false, rejectedFlows: 0 },
    });
    expect(none.map((c) => c.status)).toEqual(['no-evidence', 'no-evidence', 'no-evidence', 'no-evidence']);
    const clean = complianceView({
      findings: [],
      posture: posture(snapshot([])),
      coverage: coverage(),
      blocked: { configured: false, rejectedFlows: 0 },
    });
    expect(clean.map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('counts findings of a detector it has no line for under logging and monitoring', () => {
    const view = complianceView({
      findings: [makeFinding({ detector: 'rule:my-site-rule' })],
      posture: posture(null),
      coverage: coverage(),
      blocked: { configured: false, rejectedFlows: 0 },
    });
    expect(view.find((c) => c.control === 'logging-monitoring')?.items).toContainEqual({
      id: 'rule:my-site-rule',
      kind: 'detector',
      count: 1,
    });
  });
});
