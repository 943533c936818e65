// Which rules a `rules test` / `rules hunt` argument names: a rule file or directory (its
// rules; `--rules DIR` adds the rules its correlations refer to), or a rule id found in the
// rule directories. Problems in the named rules stop the command, all of them listed.

import { existsSync } from 'node:fs';
import { UserError } from '../core/errors.ts';
import { formatProblem, listRuleFiles, loadRules } from './load.ts';
import type { Rule, RuleProblem } from './types.ts';

export interface SelectedRules {
  /** The rules to run and report. */
  chosen: Rule[];
  /** Every rule loaded (correlations look their referenced rules up here). */
  all: Rule[];
}

export function selectRules(arg: string, dirs: readonly string[]): SelectedRules {
  if (existsSync(arg)) {
    const own = new Set(listRuleFiles([arg], []));
    const loaded = loadRules([arg, ...dirs]);
    failOnProblems(loaded.problems.filter((p) => own.has(p.file)));
    const chosen = loaded.rules.filter((r) => own.has(r.file));
    if (chosen.length === 0) {
      throw new UserError(`${arg} holds no rules`, { hint: 'give a .yml rule file or a directory of them' });
    }
    return { chosen, all: loaded.rules };
  }
  if (dirs.length === 0) {
    throw new UserError(`no rule file ${arg}`, {
      hint: 'give a rule file or directory, or a rule id with --rules DIR (or --config FILE with rules.directories)',
    });
  }
  const loaded = loadRules(dirs);
  const rule = loaded.rules.find((r) => r.id === arg || r.name === arg);
  if (rule === undefined) {
    throw new UserError(`no rule with id ${arg} in ${dirs.join(', ')}`, {
      hint: 'list the rules with `sakura-guard rules list`; `rules check` shows rules left out for problems',
    });
  }
  return { chosen: [rule], all: loaded.rules };
}

function failOnProblems(problems: readonly RuleProblem[]): void {
  if (problems.length === 0) return;
  throw new UserError(
    `the rules have ${problems.length} problem(s):\n${problems.map(formatProblem).join('\n')}`,
    {
      hint: 'fix them (sakura-guard rules check shows the same list)',
    },
  );
}
