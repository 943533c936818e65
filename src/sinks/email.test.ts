import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDigest, summarize } from '../alerts/message.ts';
import { findingMessage, makeFinding } from '../alerts/test-findings.ts';
import { createEmailSink, emailOptions, escapeHtml, renderEmail } from './email.ts';
import { waitFor } from './test-receivers.ts';
import { startSmtp } from './test-smtp.ts';

/** Decodes the quoted-printable / base64 parts well enough to search the text. */
function decoded(raw: string): string {
  const qp = raw.replace(/=\r?\n/g, '').replace(/((?:=[0-9A-F]{2})+)/g, (m) =>
    Buffer.from(
      m
        .split('=')
        .slice(1)
        .map((h) => parseInt(h, 16)),
    ).toString('utf8'),
  );
  const b64 = [...raw.matchAll(/\r?\n\r?\n([A-Za-z0-9+/=\r\n]{40,})/g)].map((m) =>
    Buffer.from((m[1] ?? '').replace(/\s/g, ''), 'base64').toString('utf8'),
  );
  return [qp, ...b64].join('\n');
}

describe('email rendering', () => {
  it('renders English text and escaped HTML', () => {
    const r = renderEmail(findingMessage({ severity: 7.2, title: 'Scan <script>' }), 'en');
    expect(r.subject).toBe('[Sakura Guard] New finding: high Recon:Host/Portscan — web-1 (10.0.0.5)');
    expect(r.text).toContain('Severity: high (7.2)');
    expect(r.text).toContain('Open the finding: https://guard.example/findings/f1');
    expect(r.html).toContain('<h2>Scan &lt;script&gt;</h2>');
    expect(r.html).not.toContain('<script>');
    expect(r.text).toContain('Observed: 40 (threshold 15, 5m)');
    const withSample = renderEmail(
      findingMessage({
        evidence: { threshold: 15, observed: 40, window: '5m', sample: ['a <flow>', 'b'], query: '' },
      }),
      'en',
    );
    expect(withSample.text).toContain('Contributing records:\n  a <flow>\n  b');
    expect(withSample.html).toContain('<pre>a &lt;flow&gt;\nb</pre>');
  });

  it('renders Japanese', () => {
    const r = renderEmail(findingMessage({ severity: 9.1 }), 'ja');
    expect(r.subject).toBe('[Sakura Guard] 新しい検出: 緊急 Recon:Host/Portscan — web-1 (10.0.0.5)');
    expect(r.text).toContain('重大度: 緊急 (9.1)');
    expect(r.html).toContain('検出結果を開く');
  });

  it('renders a digest in both languages', () => {
    const held = [1, 2].map((i) => ({ at: i, finding: summarize(makeFinding({ id: `f${i}` }), null) }));
    expect(renderEmail(buildDigest(held), 'en').subject).toBe(
      '[Sakura Guard] Digest: 2 finding(s) of 1 type(s)',
    );
    expect(renderEmail(buildDigest(held), 'ja').subject).toBe('[Sakura Guard] まとめ: 1 種類 2 件の検出');
  });

  it('escapes HTML', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('email delivery to a real SMTP server process', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(() => {
    smtp.child.kill('SIGTERM');
  });

  it('delivers text and HTML parts to every recipient', async () => {
    const sink = createEmailSink(
      emailOptions.parse({
        kind: 'email',
        host: '127.0.0.1',
        port: smtp.port,
        from: 'guard@example.test',
        to: ['ops@example.test', 'sec@example.test'],
        language: 'ja',
      }),
    );
    await sink.send(findingMessage({ severity: 8 }), 'delivery-7');
    await sink.close();
    await waitFor(() => smtp.mails.length >= 1);
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0];
    expect(mail?.from).toBe('guard@example.test');
    expect(mail?.to).toEqual(['ops@example.test', 'sec@example.test']);
    expect(mail?.raw).toMatch(/Content-Type: text\/plain/i);
    expect(mail?.raw).toMatch(/Content-Type: text\/html/i);
    expect(mail?.raw).toContain('X-Sakura-Guard-Delivery: delivery-7');
    expect(decoded(mail?.raw ?? '')).toContain('重大度: 高 (8.0)');
  });

  it('a temporary SMTP failure (451) is retryable; no server is retryable too', async () => {
    const failing = await startSmtp({ REJECT: '1' });
    try {
      const opts = {
        kind: 'email',
        host: '127.0.0.1',
        port: failing.port,
        from: 'g@example.test',
        to: ['o@example.test'],
      };
      const sink = createEmailSink(emailOptions.parse(opts));
      await expect(sink.send(findingMessage(), 'd')).rejects.toMatchObject({
        retryable: true,
        message: expect.stringMatching(/451/) as unknown,
      });
      await sink.close();
    } finally {
      failing.child.kill('SIGTERM');
    }
    const none = createEmailSink(
      emailOptions.parse({
        kind: 'email',
        host: '127.0.0.1',
        port: 1,
        from: 'g@example.test',
        to: ['o@example.test'],
      }),
    );
    await expect(none.send(findingMessage(), 'd')).rejects.toMatchObject({ retryable: true });
    await none.close();
  });
});
