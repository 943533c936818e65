// The machine-readable report: what auditPaths returns, with each finding's fingerprint.

import { fingerprint, type AuditReport } from '../audit.ts';

export function toJson(report: AuditReport): string {
  const findings = report.findings.map((f) => ({ ...f, fingerprint: fingerprint(f) }));
  return `${JSON.stringify({ ...report, findings, checks: report.checks.map((c) => c.id) }, null, 2)}\n`;
}
