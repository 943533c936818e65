// Which firewall verdict a log prefix means. Kernel LOG lines carry no verdict, only the prefix the
// rule author chose, so the mapping is configuration: the first rule whose word or phrase appears
// in the prefix (case-insensitive, on word boundaries) decides. Defaults cover the usual
// spellings (`NDR-DROP:`, `[UFW BLOCK]`, `policy DROP`, `ACCEPT:`).

import { z } from 'zod';
import { ACTION_ACCEPT, ACTION_REJECT, ACTION_UNKNOWN, type ActionCode } from '../../core/flow.ts';

const verdict = z.enum(['accept', 'reject', 'unknown']);

export const prefixActionsSchema = z.object({
  /** Checked in order; the first match wins. */
  rules: z.array(z.object({ match: z.string().min(1), action: verdict })).default([
    ...['DROP', 'DROPPED', 'REJECT', 'REJECTED', 'BLOCK', 'BLOCKED', 'DENY', 'DENIED', 'INVALID'].map(
      (match) => ({
        match,
        action: 'reject' as const,
      }),
    ),
    ...['ACCEPT', 'ACCEPTED', 'ALLOW', 'ALLOWED', 'PASS', 'PERMIT'].map((match) => ({
      match,
      action: 'accept' as const,
    })),
  ]),
  /** Verdict for a prefix no rule matches (and for lines with no prefix). */
  default: verdict.default('unknown'),
});
export type PrefixActionsConfig = z.infer<typeof prefixActionsSchema>;

const CODES: Record<z.infer<typeof verdict>, ActionCode> = {
  accept: ACTION_ACCEPT,
  reject: ACTION_REJECT,
  unknown: ACTION_UNKNOWN,
};

/** Compiles the configuration into a memoised prefix -> action code function. */
export function prefixActionMapper(
  config: Partial<PrefixActionsConfig> = {},
): (prefix: string) => ActionCode {
  const parsed = prefixActionsSchema.parse(config);
  const rules = parsed.rules.map((r) => ({
    re: new RegExp(
      `(?:^|[^A-Za-z0-9])${r.match.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:[^A-Za-z0-9]|$)`,
      'i',
    ),
    code: CODES[r.action],
  }));
  const fallback = CODES[parsed.default];
  const memo = new Map<string, ActionCode>();
  return (prefix) => {
    let code = memo.get(prefix);
    if (code === undefined) {
      code = rules.find((r) => r.re.test(prefix))?.code ?? fallback;
      if (memo.size < 1024) memo.set(prefix, code);
    }
    return code;
  };
}
