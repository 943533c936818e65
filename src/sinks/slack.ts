// Slack incoming webhook: a Block Kit message (header, fields for severity, type, resource,
// actor and count, the description, a link to the finding) with a plain `text` fallback that
// notifications and old clients show.

import { z } from 'zod';
import { actorText, headline, resourceText, type AlertMessage } from '../alerts/message.ts';
import { postJson } from './http.ts';
import { DEFAULT_TIMEOUT_MS, type Sink } from './sink.ts';

export const slackOptions = z.object({
  kind: z.literal('slack'),
  url: z.url({ protocol: /^https?$/ }),
  timeoutMs: z.number().int().positive().default(DEFAULT_TIMEOUT_MS),
});
export type SlackOptions = z.infer<typeof slackOptions>;

type Block = Record<string, unknown>;

const md = (text: string): { type: 'mrkdwn'; text: string } => ({ type: 'mrkdwn', text });

/** Slack mrkdwn treats &, < and > as control characters. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderSlack(m: AlertMessage): { text: string; blocks: Block[] } {
  const text = slackEscape(headline(m));
  const blocks: Block[] = [{ type: 'header', text: { type: 'plain_text', text: headline(m).slice(0, 150) } }];
  switch (m.kind) {
    case 'finding': {
      const f = m.finding;
      blocks.push({
        type: 'section',
        fields: [
          md(`*Severity*\n${f.severityLabel} (${f.severity.toFixed(1)})`),
          md(`*Type*\n${slackEscape(f.type)}`),
          md(`*Resource*\n${slackEscape(resourceText(f))}`),
          md(`*Actor*\n${slackEscape(actorText(f))}`),
          md(`*Count*\n${f.count}`),
          md(`*Last seen*\n${f.lastSeen}`),
          md(`*Observed*\n${m.evidence.observed} (threshold ${m.evidence.threshold}, ${m.evidence.window})`),
        ],
      });
      blocks.push({ type: 'section', text: md(slackEscape(f.description).slice(0, 2900)) });
      const context = [md(`${m.reason}${m.detail ? `: ${slackEscape(m.detail)}` : ''} · id ${f.id}`)];
      if (f.link !== null) context.push(md(`<${f.link}|Open the finding>`));
      blocks.push({ type: 'context', elements: context });
      return { text: `${text} on ${slackEscape(resourceText(f))}`, blocks };
    }
    case 'digest': {
      const types = m.byType
        .slice(0, 10)
        .map((t) => `• ${slackEscape(t.type)}: ${t.count} (max ${t.maxSeverity.toFixed(1)})`)
        .join('\n');
      blocks.push({ type: 'section', text: md(`*By type*\n${types}`) });
      const top = m.top
        .map((f) => {
          const title = slackEscape(`${f.severity.toFixed(1)} ${f.title} — ${resourceText(f)}`);
          return f.link === null ? `• ${title}` : `• <${f.link}|${title}>`;
        })
        .join('\n');
      blocks.push({ type: 'section', text: md(`*Most severe*\n${top}`) });
      blocks.push({
        type: 'context',
        elements: [md(`${new Date(m.from).toISOString()} – ${new Date(m.to).toISOString()}`)],
      });
      return { text, blocks };
    }
    default: {
      const never: never = m;
      return never;
    }
  }
}

export function createSlackSink(o: SlackOptions): Sink {
  return {
    kind: 'slack',
    send: (m) => postJson({ url: o.url, body: JSON.stringify(renderSlack(m)), timeoutMs: o.timeoutMs }),
    close: async () => {},
  };
}
