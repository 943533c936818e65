// Gathers one period's report from the data directory's stores: findings (finding store), flows,
// gaps, recorded audits and response actions (the flow store's file), quarantined lines
// (quarantine files). The CLI and the scheduler in `serve` call it with the stores they hold open.

import type { Clock } from '../core/clock.ts';
import type { FindingStore } from '../findings/store.ts';
import type { FlowStore } from '../store/store.ts';
import { blockedSection } from './blocked-section.ts';
import { complianceView } from './compliance.ts';
import { coverageSection } from './coverage-section.ts';
import { findingsInPeriod, findingsSection } from './findings-section.ts';
import { REPORT_VERSION, type ReportData } from './model.ts';
import type { Period } from './period.ts';
import { postureSection } from './posture-section.ts';

export interface ReportSources {
  findings: FindingStore;
  flows: FlowStore;
  dataDir: string;
  clock: Clock;
}

export async function gatherReport(src: ReportSources, p: Period): Promise<ReportData> {
  const all = await src.findings.list();
  const coverage = await coverageSection(src.flows, src.dataDir, p);
  const posture = await postureSection(src.flows, p);
  const blocked = await blockedSection(src.flows, p, coverage.rejected);
  return {
    version: REPORT_VERSION,
    generatedAt: new Date(src.clock.now()).toISOString(),
    period: { from: new Date(p.fromMs).toISOString(), to: new Date(p.toMs).toISOString() },
    findings: findingsSection(all, p),
    blocked,
    posture,
    coverage,
    compliance: complianceView({ findings: findingsInPeriod(all, p), posture, coverage, blocked }),
  };
}
