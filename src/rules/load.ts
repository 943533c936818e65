// Loading rule files: every *.yml/*.yaml under the given paths (files or directories), each
// YAML document one rule, then linking (unique ids, correlation references and fields). Never
// throws for a bad rule: every problem is collected with its file, line and column, and the rules
// without problems are returned.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../core/errors.ts';
import { resolveField } from './fields.ts';
import { correlationPositions } from './parse-correlation.ts';
import { parseRule } from './parse-rule.ts';
import type { CorrelationRule, DetectionRule, Rule, RuleProblem } from './types.ts';
import { didYouMean, readYamlDocs } from './yaml-reader.ts';

export interface LoadedRules {
  rules: Rule[];
  problems: RuleProblem[];
  files: number;
}

const RULE_FILE = /\.ya?ml$/i;

/** Rule files under the paths, sorted, so ids clash the same way every time. */
export function listRuleFiles(paths: readonly string[], problems: RuleProblem[]): string[] {
  const out: string[] = [];
  const walk = (p: string, top: boolean): void => {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      problems.push({
        file: p,
        line: 0,
        column: 0,
        message: `cannot read: ${errorMessage(e)}`,
        hint: 'check the path',
      });
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!name.startsWith('.')) walk(path.join(p, name), false);
    } else if (top || RULE_FILE.test(p)) out.push(p);
  };
  for (const p of paths) walk(p, true);
  // A file named twice (a file inside a directory also given) is read once.
  const seen = new Set<string>();
  return out.filter((f) => {
    const abs = path.resolve(f);
    if (seen.has(abs)) return false;
    seen.add(abs);
    return true;
  });
}

export function loadRules(paths: readonly string[]): LoadedRules {
  const problems: RuleProblem[] = [];
  const files = listRuleFiles(paths, problems);
  const rules: Rule[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      problems.push({
        file,
        line: 0,
        column: 0,
        message: `cannot read: ${errorMessage(e)}`,
        hint: 'check the file',
      });
      continue;
    }
    rules.push(...parseRuleText(file, text, problems));
  }
  return { rules: linkRules(rules, problems), problems: sortProblems(problems), files: files.length };
}

/** Parses one file's text (several YAML documents allowed); problems are appended. */
export function parseRuleText(file: string, text: string, problems: RuleProblem[]): Rule[] {
  const out: Rule[] = [];
  for (const d of readYamlDocs(file, text, problems).docs) {
    const rule = parseRule(d.reader, d.node);
    if (rule !== null) out.push(rule);
  }
  return out;
}

/** Unique ids, correlation references and fields; rules with problems are left out. */
export function linkRules(rules: readonly Rule[], problems: RuleProblem[]): Rule[] {
  const byId = new Map<string, Rule>();
  const byRef = new Map<string, Rule>();
  const kept: Rule[] = [];
  for (const r of rules) {
    const first = byId.get(r.id);
    if (first) {
      problems.push({
        file: r.file,
        line: r.line,
        column: 1,
        message: `duplicate rule id "${r.id}" (first in ${first.file}:${first.line})`,
        hint: 'give every rule its own id',
      });
      continue;
    }
    byId.set(r.id, r);
    byRef.set(r.id, r);
    if (r.name !== null && !byRef.has(r.name)) byRef.set(r.name, r);
    kept.push(r);
  }
  return kept.filter((r) => r.kind === 'detection' || linkCorrelation(r, byRef, problems));
}

function linkCorrelation(c: CorrelationRule, byRef: Map<string, Rule>, problems: RuleProblem[]): boolean {
  const pos = correlationPositions.get(c) ?? {};
  const at = (key: string): { file: string; line: number; column: number } =>
    pos[key] ?? pos.correlation ?? { file: c.file, line: c.line, column: 1 };
  const fail = (key: string, message: string, hint: string): false => {
    problems.push({ ...at(key), message, hint });
    return false;
  };
  const bases: DetectionRule[] = [];
  for (const ref of c.rules) {
    const r = byRef.get(ref);
    if (r === undefined) {
      return fail(
        'rules',
        `correlation refers to unknown rule "${ref}"${didYouMean(ref, [...byRef.keys()])}`,
        'name a rule by its id or name; it must be in a loaded directory and have no problems',
      );
    }
    if (r.kind === 'correlation') {
      return fail(
        'rules',
        `correlation refers to correlation "${ref}"`,
        'chained correlations are not supported yet: refer to detection rules',
      );
    }
    bases.push(r);
  }
  const fields = [...c.groupBy, ...(c.valueField === null ? [] : [c.valueField])];
  for (const f of fields) {
    const resolved = new Set<string>();
    for (const b of bases) {
      const def = resolveField(f, b.records);
      if (def === null) {
        return fail(
          c.groupBy.includes(f) ? 'group-by' : 'condition',
          `field "${f}" does not exist in ${b.records} records of rule "${b.id}"`,
          'group by fields every referenced rule has (src_ip, dst_ip, dst_port...)',
        );
      }
      resolved.add(def.name);
    }
    if (resolved.size > 1) {
      return fail(
        'group-by',
        `field "${f}" means different fields in the referenced rules (${[...resolved].join(', ')})`,
        'use our field names (docs/rules.md)',
      );
    }
  }
  return true;
}

function sortProblems(list: RuleProblem[]): RuleProblem[] {
  return list.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

/** "file:line:col: message\n    hint: ..." */
export function formatProblem(p: RuleProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}\n    hint: ${p.hint}`;
}
