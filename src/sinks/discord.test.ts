import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingMessage } from '../alerts/test-findings.ts';
import { createDiscordSink, discordOptions, renderDiscord } from './discord.ts';
import { startHttpReceiver, type HttpReceiver } from './test-receivers.ts';

interface Embed {
  title: string;
  description: string;
  url?: string;
  color: number;
  fields: { name: string; value: string }[];
}

describe('discord sink', () => {
  let rx: HttpReceiver;
  beforeAll(async () => {
    rx = await startHttpReceiver();
  });
  afterAll(() => rx.stop());

  it('renders one embed within Discord limits, mentions disabled', () => {
    const m = renderDiscord(
      findingMessage({ description: 'x'.repeat(5000), title: '@everyone look' }),
      'SG',
    ) as {
      username: string;
      embeds: Embed[];
      allowed_mentions: { parse: string[] };
    };
    const e = m.embeds[0];
    expect(m.username).toBe('SG');
    expect(m.allowed_mentions.parse).toEqual([]);
    expect(e?.description.length).toBe(4096);
    expect(e?.url).toBe('https://guard.example/findings/f1');
    expect(e?.fields.map((f) => f.name)).toEqual(['Severity', 'Type', 'Count', 'Resource', 'Actor']);
  });

  it('posts the embed', async () => {
    await createDiscordSink(discordOptions.parse({ kind: 'discord', url: rx.url })).send(
      findingMessage(),
      'd1',
    );
    const body = JSON.parse(rx.requests[0]?.body ?? '{}') as { embeds: Embed[] };
    expect(body.embeds[0]?.fields.find((f) => f.name === 'Actor')?.value).toBe('203.0.113.9');
  });
});
