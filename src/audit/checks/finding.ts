// Building findings from check ids, so severity and titles always come from the definition.

import type { AuditFinding, NetExposure, Severity } from '../types.ts';
import { type CheckId, checkDefinition } from './definitions.ts';

export interface Location {
  file: string;
  line: number;
  endLine: number;
  resource: string;
  /** Lines of the enclosing resource (where a suppression comment may sit); defaults to the element. */
  scope?: { startLine: number; endLine: number };
}

export function makeFinding(
  checkId: CheckId,
  at: Location,
  message: string,
  extra: { severity?: Severity; exposure?: NetExposure } = {},
): AuditFinding {
  const f: AuditFinding = {
    checkId,
    severity: extra.severity ?? checkDefinition(checkId).severity,
    message,
    file: at.file,
    line: at.line,
    endLine: Math.max(at.line, at.endLine),
    resource: at.resource,
    scope: at.scope ?? { startLine: at.line, endLine: at.endLine },
  };
  if (extra.exposure) f.exposure = extra.exposure;
  return f;
}
