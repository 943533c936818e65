// Terraform input: parse every .tf/.tfvars file, group them into modules by directory, run the
// AWS and Sakura checks. A file that does not parse becomes a problem with its line; the rest of
// the module is still audited.

import type { AuditFinding, AuditProblem, AuditRule } from '../types.ts';
import { auditAws } from './aws.ts';
import { HclSyntaxError, parseHcl } from './hcl.ts';
import { type TfParsedFile, buildModules } from './module.ts';
import { auditSakura } from './sakura.ts';

export interface TerraformResult {
  findings: AuditFinding[];
  rules: AuditRule[];
  problems: AuditProblem[];
}

export function auditTerraform(files: { file: string; text: string }[]): TerraformResult {
  const parsed: TfParsedFile[] = [];
  const problems: AuditProblem[] = [];
  for (const f of files) {
    try {
      parsed.push({ file: f.file, hcl: parseHcl(f.text) });
    } catch (e: unknown) {
      if (!(e instanceof HclSyntaxError)) throw e;
      const text = f.text.split('\n')[e.line - 1] ?? '';
      problems.push({
        file: f.file,
        line: e.line,
        reason: `hcl-syntax: ${e.message}`,
        text: text.slice(0, 4096),
      });
    }
  }
  const findings: AuditFinding[] = [];
  const rules: AuditRule[] = [];
  for (const mod of buildModules(parsed)) {
    for (const r of [auditAws(mod), auditSakura(mod)]) {
      findings.push(...r.findings);
      rules.push(...r.rules);
    }
  }
  return { findings, rules, problems };
}
