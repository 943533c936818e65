// The report for people: findings grouped by file, most severe first within a line, then a summary.

import type { AuditReport } from '../audit.ts';
import { SEVERITIES, type Severity, severityRank } from '../types.ts';

export function toTable(report: AuditReport, options: { showSuppressed?: boolean } = {}): string {
  const out: string[] = [];
  const visible = report.findings.filter((f) => options.showSuppressed || !f.suppression);
  const byFile = new Map<string, typeof visible>();
  for (const f of visible) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const idWidth = Math.max(0, ...visible.map((f) => f.checkId.length));
  for (const [file, list] of byFile) {
    out.push(file);
    for (const f of list) {
      const sev = f.severity.toUpperCase().padEnd(8);
      const sup = f.suppression ? ` [suppressed: ${f.suppression.justification}]` : '';
      const obs = f.observed ? ` [${observedText(f.observed)}]` : '';
      out.push(
        `  ${String(f.line).padStart(5)}  ${sev} ${f.checkId.padEnd(idWidth)}  ${f.message}${obs}${sup}`,
      );
      if (f.fix) for (const l of f.fix.diff.trimEnd().split('\n')) out.push(`         ${l}`);
    }
    out.push('');
  }
  const counts = SEVERITIES.slice()
    .reverse()
    .map(
      (s: Severity) => [s, report.findings.filter((f) => f.severity === s && !f.suppression).length] as const,
    )
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  const suppressed = report.findings.filter((f) => f.suppression).length;
  out.push(
    `${report.files.length} file(s) audited; ${counts.length > 0 ? counts.join(', ') : 'no findings'}` +
      (suppressed > 0 ? `; ${suppressed} suppressed` : '') +
      (report.problems.length > 0 ? `; ${report.problems.length} problem(s) reading input` : ''),
  );
  for (const p of report.problems)
    out.push(`  problem: ${p.file}${p.line > 0 ? `:${p.line}` : ''} ${p.reason}: ${p.text}`);
  return `${out.join('\n')}\n`;
}

function observedText(o: NonNullable<AuditReport['findings'][number]['observed']>): string {
  switch (o.kind) {
    case 'reached':
      return `reached: ${o.acceptedFromPublic} accepted flows from ${o.distinctSources} public sources in ${o.window}`;
    case 'probed-closed':
      return `probed, closed: ${o.rejected} rejected flows in ${o.window}`;
    case 'unused':
      return `unused in ${o.window} (${o.confidence})`;
    case 'no-data':
      return `no flow data for ${o.window}`;
  }
}

/** The worst unsuppressed severity, for --fail-on. */
export function worstSeverity(report: AuditReport): Severity | null {
  let worst: Severity | null = null;
  for (const f of report.findings)
    if (!f.suppression && (worst === null || severityRank(f.severity) > severityRank(worst)))
      worst = f.severity;
  return worst;
}
