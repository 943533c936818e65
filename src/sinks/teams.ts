// Microsoft Teams (an incoming webhook or a Workflows "post to a channel when a webhook request
// is received" URL): a message with one Adaptive Card (facts, description, an Open button).

import { z } from 'zod';
import { actorText, headline, resourceText, type AlertMessage } from '../alerts/message.ts';
import { postJson } from './http.ts';
import { DEFAULT_TIMEOUT_MS, type Sink } from './sink.ts';

export const teamsOptions = z.object({
  kind: z.literal('teams'),
  url: z.url({ protocol: /^https?$/ }),
  timeoutMs: z.number().int().positive().default(DEFAULT_TIMEOUT_MS),
});
export type TeamsOptions = z.infer<typeof teamsOptions>;

const COLOR: Record<string, string> = {
  low: 'default',
  medium: 'warning',
  high: 'attention',
  critical: 'attention',
};

export function renderTeams(m: AlertMessage): Record<string, unknown> {
  const body: Record<string, unknown>[] = [
    { type: 'TextBlock', size: 'Medium', weight: 'Bolder', wrap: true, text: headline(m) },
  ];
  const actions: Record<string, unknown>[] = [];
  switch (m.kind) {
    case 'finding': {
      const f = m.finding;
      body[0] = { ...body[0], color: COLOR[f.severityLabel] ?? 'default' };
      body.push({
        type: 'FactSet',
        facts: [
          { title: 'Severity', value: `${f.severityLabel} (${f.severity.toFixed(1)})` },
          { title: 'Type', value: f.type },
          { title: 'Resource', value: resourceText(f) },
          { title: 'Actor', value: actorText(f) },
          { title: 'Count', value: String(f.count) },
          { title: 'Last seen', value: f.lastSeen },
        ],
      });
      body.push({ type: 'TextBlock', wrap: true, text: f.description });
      if (f.link !== null) actions.push({ type: 'Action.OpenUrl', title: 'Open the finding', url: f.link });
      break;
    }
    case 'digest':
      body.push({
        type: 'FactSet',
        facts: m.byType
          .slice(0, 10)
          .map((t) => ({ title: t.type, value: `${t.count} (max ${t.maxSeverity.toFixed(1)})` })),
      });
      for (const f of m.top)
        body.push({
          type: 'TextBlock',
          wrap: true,
          text: `${f.severity.toFixed(1)} ${f.title} — ${resourceText(f)}`,
        });
      break;
    default: {
      const never: never = m;
      return never;
    }
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          ...(actions.length > 0 ? { actions } : {}),
        },
      },
    ],
  };
}

export function createTeamsSink(o: TeamsOptions): Sink {
  return {
    kind: 'teams',
    send: (m) => postJson({ url: o.url, body: JSON.stringify(renderTeams(m)), timeoutMs: o.timeoutMs }),
    close: async () => {},
  };
}
