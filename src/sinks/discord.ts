// Discord webhook: one embed coloured by severity, with fields for type, resource, actor and
// count and the link as the embed's url. Texts are cut to Discord's limits (title 256,
// description 4096, field value 1024) so a long description never gets the message refused.

import { z } from 'zod';
import { actorText, headline, resourceText, type AlertMessage } from '../alerts/message.ts';
import { postJson } from './http.ts';
import { DEFAULT_TIMEOUT_MS, type Sink } from './sink.ts';

export const discordOptions = z.object({
  kind: z.literal('discord'),
  url: z.url({ protocol: /^https?$/ }),
  username: z.string().min(1).max(80).default('Sakura Guard'),
  timeoutMs: z.number().int().positive().default(DEFAULT_TIMEOUT_MS),
});
export type DiscordOptions = z.infer<typeof discordOptions>;

const COLOR: Record<string, number> = { low: 0x5b8def, medium: 0xf2c037, high: 0xe8590c, critical: 0xc92a2a };

const cut = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);
// `allowed_mentions` empty: a finding's text can never ping @everyone.
const NO_MENTIONS = { parse: [] as string[] };

export function renderDiscord(m: AlertMessage, username: string): Record<string, unknown> {
  switch (m.kind) {
    case 'finding': {
      const f = m.finding;
      const embed: Record<string, unknown> = {
        title: cut(headline(m), 256),
        description: cut(f.description, 4096),
        color: COLOR[f.severityLabel],
        fields: [
          { name: 'Severity', value: `${f.severityLabel} (${f.severity.toFixed(1)})`, inline: true },
          { name: 'Type', value: cut(f.type, 1024), inline: true },
          { name: 'Count', value: String(f.count), inline: true },
          { name: 'Resource', value: cut(resourceText(f), 1024), inline: true },
          { name: 'Actor', value: cut(actorText(f), 1024), inline: true },
        ],
        timestamp: f.lastSeen,
        footer: { text: `${m.reason} · ${f.id}` },
      };
      if (f.link !== null) embed.url = f.link;
      return { username, content: cut(headline(m), 2000), embeds: [embed], allowed_mentions: NO_MENTIONS };
    }
    case 'digest': {
      const embed = {
        title: cut(headline(m), 256),
        description: cut(
          m.top.map((f) => `${f.severity.toFixed(1)} ${f.title} — ${resourceText(f)}`).join('\n'),
          4096,
        ),
        fields: m.byType.slice(0, 25).map((t) => ({
          name: cut(t.type, 256),
          value: `${t.count} (max ${t.maxSeverity.toFixed(1)})`,
          inline: true,
        })),
      };
      return { username, content: cut(headline(m), 2000), embeds: [embed], allowed_mentions: NO_MENTIONS };
    }
    default: {
      const never: never = m;
      return never;
    }
  }
}

export function createDiscordSink(o: DiscordOptions): Sink {
  return {
    kind: 'discord',
    send: (m) =>
      postJson({ url: o.url, body: JSON.stringify(renderDiscord(m, o.username)), timeoutMs: o.timeoutMs }),
    close: async () => {},
  };
}
