// JUnit XML for CI dashboards: one test case per finding (failure, or skipped when suppressed in
// source) and one passing case per check that found nothing in the kinds of files audited.

import type { AuditReport } from '../audit.ts';

const esc = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function toJunit(report: AuditReport): string {
  const kinds = new Set(report.files.map((f) => f.kind));
  const cases: string[] = [];
  let failures = 0;
  let skipped = 0;
  for (const c of report.checks) {
    if (!c.inputs.some((k) => kinds.has(k))) continue;
    const mine = report.findings.filter((f) => f.checkId === c.id);
    const name = (sev: string) => esc(`[${sev.toUpperCase()}][${c.id}] ${c.title}`);
    if (mine.length === 0) {
      cases.push(`    <testcase name="${name(c.severity)}" classname="sakura-guard.audit"/>`);
      continue;
    }
    for (const f of mine) {
      const cls = esc(`${f.file}.${f.resource}`);
      if (f.suppression) {
        skipped++;
        cases.push(
          `    <testcase name="${name(f.severity)}" classname="${cls}"><skipped message="${esc(f.suppression.justification)}"/></testcase>`,
        );
      } else {
        failures++;
        cases.push(
          `    <testcase name="${name(f.severity)}" classname="${cls}"><failure type="${f.severity}" message="${esc(f.message)}">${esc(`${f.file}:${f.line}\n${c.remediation}`)}</failure></testcase>`,
        );
      }
    }
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="sakura-guard audit" tests="${cases.length}" failures="${failures}" skipped="${skipped}">`,
    `  <testsuite name="posture audit" tests="${cases.length}" failures="${failures}" skipped="${skipped}" errors="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
