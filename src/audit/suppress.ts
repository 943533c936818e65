// Inline suppression: `# sakura-guard:ignore CHECK-ID[,CHECK-ID] reason` (any comment style) on
// the finding's line, the line above it, or anywhere inside the enclosing resource. A suppression
// needs a reason; one without is not honoured and is itself reported.

import { makeFinding } from './checks/finding.ts';
import type { AuditFinding } from './types.ts';

export interface InlineSuppression {
  line: number;
  ids: string[];
  reason: string;
}

const MARKER = /sakura-guard:ignore\s+([A-Za-z0-9_*,-]+)(?:\s+(.*))?$/;

export function readSuppressions(lines: readonly string[]): InlineSuppression[] {
  const out: InlineSuppression[] = [];
  lines.forEach((text, i) => {
    if (!text.includes('sakura-guard:ignore')) return;
    const m = MARKER.exec(text);
    if (!m) return;
    const reason = (m[2] ?? '')
      .replace(/\*\/\s*$/, '')
      .replace(/^[-:—\s]+/, '')
      .trim();
    out.push({ line: i + 1, ids: m[1]!.split(',').filter((x) => x !== ''), reason });
  });
  return out;
}

function applies(s: InlineSuppression, f: AuditFinding): boolean {
  if (!s.ids.includes(f.checkId) && !s.ids.includes('*')) return false;
  if (s.line === f.line || s.line === f.line - 1) return true;
  return s.line >= f.scope.startLine - 1 && s.line <= f.scope.endLine;
}

/** Marks suppressed findings and returns findings about suppressions without a reason. */
export function applySuppressions(
  file: string,
  lines: readonly string[],
  findings: AuditFinding[],
): AuditFinding[] {
  const list = readSuppressions(lines);
  const problems: AuditFinding[] = [];
  for (const s of list) {
    if (s.reason === '') {
      problems.push(
        makeFinding(
          'AUDIT-SUPPRESSION-NO-REASON',
          { file, line: s.line, endLine: s.line, resource: 'suppression' },
          `suppression of ${s.ids.join(', ')} gives no reason and is ignored`,
        ),
      );
      continue;
    }
    for (const f of findings)
      if (f.file === file && !f.suppression && applies(s, f))
        f.suppression = { kind: 'inSource', justification: s.reason, line: s.line };
  }
  return problems;
}
