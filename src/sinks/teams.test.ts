import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingMessage } from '../alerts/test-findings.ts';
import { createTeamsSink, renderTeams, teamsOptions } from './teams.ts';
import { startHttpReceiver, type HttpReceiver } from './test-receivers.ts';

describe('teams sink', () => {
  let rx: HttpReceiver;
  beforeAll(async () => {
    rx = await startHttpReceiver();
  });
  afterAll(() => rx.stop());

  it('renders an Adaptive Card message with facts and an open action', () => {
    const m = renderTeams(findingMessage({ severity: 9.2 })) as {
      type: string;
      attachments: {
        contentType: string;
        content: { type: string; body: { type: string }[]; actions: { url: string }[] };
      }[];
    };
    expect(m.type).toBe('message');
    const card = m.attachments[0];
    expect(card?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card?.content.type).toBe('AdaptiveCard');
    expect(card?.content.body.map((b) => b.type)).toEqual(['TextBlock', 'FactSet', 'TextBlock']);
    expect(card?.content.actions[0]?.url).toBe('https://guard.example/findings/f1');
    expect(JSON.stringify(m)).toContain('critical (9.2)');
  });

  it('posts the card', async () => {
    await createTeamsSink(teamsOptions.parse({ kind: 'teams', url: rx.url })).send(findingMessage(), 'd1');
    expect(JSON.parse(rx.requests[0]?.body ?? '{}')).toHaveProperty('attachments');
  });
});
