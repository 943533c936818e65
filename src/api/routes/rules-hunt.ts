// `rules hunt` while `serve` holds the store: the CLI sends the rule files it selected (their
// text, as on disk) and the ids to hunt; the server parses them with the same loader, refuses
// them with every problem listed when one has any, and runs the same hunt (rules/hunt.ts) over
// its store. Rule texts are untrusted: they only become SQL through the rule compiler, which
// binds every value and takes field names from its own table.

import { z } from 'zod';
import { formatProblem, linkRules, parseRuleText } from '../../rules/load.ts';
import { runHunt } from '../../rules/hunt.ts';
import type { Rule, RuleProblem } from '../../rules/types.ts';
import { ApiError } from '../errors.ts';
import { defineRoute, need, type ApiRoute } from '../route.ts';

const huntBody = z
  .object({
    files: z
      .array(z.object({ file: z.string().min(1).max(4096), text: z.string().max(1_048_576) }).strict())
      .min(1)
      .max(5000),
    /** Ids (or names) of the rules to hunt; the others are there for correlations to refer to. */
    rules: z.array(z.string().min(1).max(256)).min(1).max(1000),
    /** Unix seconds: from inclusive, to exclusive. */
    from: z.number().finite(),
    to: z.number().finite(),
    limit: z.number().int().min(1).max(10_000).default(100),
  })
  .strict()
  .refine((b) => b.from < b.to, { message: 'from must be earlier than to', path: ['from'] });

export const rulesHuntRoutes: ApiRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/api/v1/rules/hunt',
    summary:
      'Hunt rules over the stored flows and events (what `rules hunt` does while serve runs): matching records of detection rules, groups of correlations that meet their condition',
    access: need('query:run'),
    body: huntBody,
    async handler({ body, deps }) {
      const problems: RuleProblem[] = [];
      const parsed: Rule[] = [];
      for (const f of body.files) parsed.push(...parseRuleText(f.file, f.text, problems));
      const all = linkRules(parsed, problems);
      const chosen = body.rules.map((id) => all.find((r) => r.id === id) ?? all.find((r) => r.name === id));
      const missing = body.rules.filter((_, i) => chosen[i] === undefined);
      if (problems.length > 0 || missing.length > 0)
        throw new ApiError(
          400,
          [...problems.map(formatProblem), ...missing.map((id) => `no rule ${id} among the files sent`)].join(
            '\n',
          ),
          'fix the rules (`sakura-guard rules check`) and hunt again',
        );
      await deps.flows.flush();
      const results = await runHunt(
        deps.flows,
        chosen.filter((r): r is Rule => r !== undefined),
        all,
        { from: body.from, to: body.to },
        body.limit,
      );
      return { results };
    },
  }),
];
