// What a report holds: the figures gathered for one period (gather.ts), before any language or
// format. `report --format json` prints this object; the HTML and PDF render it.

import type { SeverityLabel } from '../findings/finding.ts';
import type { Severity as PostureSeverity } from '../audit/types.ts';

export const REPORT_VERSION = 1;

export type SeverityCounts = Record<SeverityLabel, number>;
export const SEVERITY_BANDS: readonly SeverityLabel[] = ['critical', 'high', 'medium', 'low'];

export interface TypeCount {
  type: string;
  findings: number;
  /** Detection windows of the period the findings of this type were seen in. */
  occurrences: number;
  maxSeverity: number;
}

export interface HostCount {
  ip: string;
  name: string | null;
  findings: number;
  maxSeverity: number;
  /** True when the address is one of ours (an internal host acting as the attacker). */
  internal: boolean;
}

export interface NotableFinding {
  id: string;
  type: string;
  severity: number;
  severityLabel: SeverityLabel;
  title: string;
  description: string;
  resource: { ip: string; name: string | null };
  actor: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  status: 'active' | 'archived';
  evidence: { threshold: number; observed: number; window: string; sample: string[] };
}

export interface FindingsSection {
  total: number;
  active: number;
  archived: number;
  bySeverity: SeverityCounts;
  byType: TypeCount[];
  /** Detection windows per bucket and band; bucketSeconds is 3600 or 86400. */
  timeline: { bucketSeconds: number; buckets: { start: string; counts: SeverityCounts }[] };
  topTargets: HostCount[];
  topActors: HostCount[];
  notable: NotableFinding[];
  /** Notable findings left out by the limit. */
  notableOmitted: number;
}

export type BlockedSection =
  | { configured: false; rejectedFlows: number }
  | {
      configured: true;
      rejectedFlows: number;
      /** Response actions created in the period, by status (applied, dry-run, pending-approval...). */
      byStatus: { status: string; count: number }[];
      /** The newest actions of the period (at most ACTIONS_SHOWN). */
      actions: { at: string; responder: string; target: string; status: string; findingType: string }[];
    };

export interface PostureIssue {
  checkId: string;
  severity: PostureSeverity;
  resource: string;
  file: string;
  line: number;
  message: string;
  fingerprint: string;
}

export interface PostureSnapshot {
  recordedAt: string;
  files: number;
  /** Open issues: unsuppressed, low severity and above (info results are only counted). */
  issues: PostureIssue[];
  bySeverity: Record<PostureSeverity, number>;
  suppressed: number;
  /** Issues whose exposure observed flows show being reached from the internet. */
  reached: number;
}

export interface PostureSection {
  /** The newest audit recorded up to the end of the period. */
  current: PostureSnapshot | null;
  /** The newest audit recorded before the period began (the state at the last report). */
  previous: PostureSnapshot | null;
  newIssues: PostureIssue[];
  resolved: PostureIssue[];
}

export interface CoverageSection {
  flows: number;
  bytes: number;
  accepted: number;
  rejected: number;
  sources: { source: string; flows: number; first: string; last: string }[];
  gaps: { kind: string; count: number; resources: number }[];
  quarantine: { total: number; byReason: { reason: string; count: number }[] };
}

export type ControlId = 'segmentation' | 'least-privilege' | 'logging-monitoring' | 'incident-response';

export type ControlStatus = 'ok' | 'attention' | 'no-evidence';

/** Figures the compliance view's evidence sentences are made of (filled per language). */
export type ControlEvidence =
  | { kind: 'checks'; checks: number; issues: number | null }
  | { kind: 'detectors'; detectors: number; findings: number }
  | { kind: 'flows'; flows: number; sources: number; gaps: number; quarantined: number }
  | {
      kind: 'response';
      findings: number;
      archived: number;
      openHigh: number;
      /** Response actions of the period and those applied (blocking for a time); null: no responder. */
      responder: { actions: number; applied: number } | null;
    };

export interface ComplianceControl {
  control: ControlId;
  status: ControlStatus;
  evidence: ControlEvidence[];
  /** Check ids and detector ids mapped to the control, with the period's count of each (if any). */
  items: { id: string; kind: 'check' | 'detector'; count: number }[];
}

export interface ReportData {
  version: typeof REPORT_VERSION;
  generatedAt: string;
  period: { from: string; to: string };
  findings: FindingsSection;
  blocked: BlockedSection;
  posture: PostureSection;
  coverage: CoverageSection;
  compliance: ComplianceControl[];
}
