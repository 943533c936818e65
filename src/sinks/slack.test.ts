import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDigest, summarize } from '../alerts/message.ts';
import { findingMessage, makeFinding } from '../alerts/test-findings.ts';
import { SinkError } from './sink.ts';
import { createSlackSink, renderSlack, slackEscape, slackOptions } from './slack.ts';
import { startHttpReceiver, type HttpReceiver } from './test-receivers.ts';

describe('slack sink', () => {
  let rx: HttpReceiver;
  beforeAll(async () => {
    rx = await startHttpReceiver();
  });
  afterAll(() => rx.stop());

  it('renders severity, summary, actor, resource and the link', () => {
    const m = renderSlack(findingMessage({ severity: 7.5, title: 'Scan <b> & co' }));
    const json = JSON.stringify(m);
    expect(m.text).toContain('[HIGH 7.5] Scan &lt;b&gt; &amp; co');
    expect(json).toContain('web-1 (10.0.0.5)');
    expect(json).toContain('203.0.113.9');
    expect(json).toContain('<https://guard.example/findings/f1|Open the finding>');
    expect(json).toContain('Recon:Host/Portscan');
  });

  it('escapes mrkdwn control characters', () => {
    expect(slackEscape('<@U1> & <!channel>')).toBe('&lt;@U1&gt; &amp; &lt;!channel&gt;');
  });

  it('renders a digest with counts per type', () => {
    const held = [1, 2, 3].map((i) => ({ at: i, finding: summarize(makeFinding({ id: `f${i}` }), null) }));
    const json = JSON.stringify(renderSlack(buildDigest(held)));
    expect(json).toContain('Digest: 3 finding(s) of 1 type(s)');
    expect(json).toContain('Recon:Host/Portscan: 3');
  });

  it('posts to the webhook URL and classifies failures', async () => {
    const sink = createSlackSink(slackOptions.parse({ kind: 'slack', url: rx.url }));
    await sink.send(findingMessage(), 'd1');
    expect(rx.requests).toHaveLength(1);
    const body = JSON.parse(rx.requests[0]?.body ?? '{}') as { blocks: unknown[] };
    expect(body.blocks.length).toBeGreaterThan(2);
    rx.status = 404;
    const e404 = await sink.send(findingMessage(), 'd2').catch((e: unknown) => e);
    expect(e404).toBeInstanceOf(SinkError);
    expect((e404 as SinkError).retryable).toBe(false);
    expect((e404 as SinkError).message).not.toContain('secret-path');
    rx.status = 503;
    const e503 = await sink.send(findingMessage(), 'd3').catch((e: unknown) => e);
    expect((e503 as SinkError).retryable).toBe(true);
    rx.status = 200;
  });
});
