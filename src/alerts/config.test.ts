import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { UserError } from '../core/errors.ts';
import { parseAlertingConfig } from './config.ts';

const EXAMPLE = `
links:
  baseUrl: https://guard.example.jp
channels:
  - name: ops-slack
    kind: slack
    url: https://hooks.slack.com/services/T0/B0/XXXX
  - name: soc-mail
    kind: email
    host: smtp.example.jp
    from: guard@example.jp
    to: [soc@example.jp]
    language: ja
    quietHours: { start: "22:00", end: "07:00", timeZone: Asia/Tokyo, minSeverity: critical }
    digest: { minutes: 30, immediatePerType: 1 }
  - name: siem
    kind: syslog-cef
    host: siem.example.jp
    protocol: tcp
routes:
  - name: everything-to-siem
    channels: [siem]
  - name: high-prod
    minSeverity: high
    resourceTags: [prod]
    channels: [ops-slack, soc-mail]
  - types: ["Recon:*"]
    actors: [203.0.113.0/24]
    channels: [soc-mail]
`;

describe('alerting configuration', () => {
  it('defaults validate', () => {
    const c = parseAlertingConfig(undefined);
    expect(c.channels).toEqual([]);
    expect(c.delivery).toEqual({ maxAttempts: 50, baseDelaySeconds: 2, maxDelaySeconds: 60 });
  });

  it('the documented example parses with its defaults filled in', () => {
    const c = parseAlertingConfig(
      (YAML.parse(EXAMPLE) as { alerting?: unknown }).alerting ?? YAML.parse(EXAMPLE),
    );
    const mail = c.channels.find((ch) => ch.name === 'soc-mail');
    expect(mail?.kind).toBe('email');
    expect(mail?.quietHours).toEqual({
      start: '22:00',
      end: '07:00',
      timeZone: 'Asia/Tokyo',
      minSeverity: 9,
    });
    expect(mail?.digest).toEqual({ minutes: 30, immediatePerType: 1 });
    expect(mail?.rateLimit).toEqual({ max: 20, perMinutes: 60 });
    expect(c.routes[1]?.minSeverity).toBe(7);
    const siem = c.channels.find((ch) => ch.name === 'siem');
    expect(siem?.kind === 'syslog-cef' && siem.port).toBe(514);
    // Round trip: the parsed configuration parses to itself.
    expect(parseAlertingConfig(JSON.parse(JSON.stringify(c)))).toEqual(c);
  });

  it('the example in docs/alerting.md parses', () => {
    const doc = readFileSync(new URL('../../docs/alerting.md', import.meta.url), 'utf8');
    const block = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const c = parseAlertingConfig((YAML.parse(block) as { alerting: unknown }).alerting);
    expect(c.channels.map((ch) => ch.kind)).toEqual([
      'slack',
      'email',
      'webhook',
      'teams',
      'discord',
      'syslog-cef',
    ]);
    expect(c.routes).toHaveLength(3);
  });

  it('reports every problem at once with its path', () => {
    const bad = {
      channels: [
        { name: 'a', kind: 'slack', url: 'not a url' },
        { name: 'a', kind: 'pager' },
        { name: 'w', kind: 'webhook', url: 'http://127.0.0.1/x', secret: 'short' },
      ],
      routes: [{ channels: ['nowhere'], actors: ['999.1.1.1'] }],
    };
    let err: unknown;
    try {
      parseAlertingConfig(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const msg = (err as UserError).message;
    expect(msg).toContain('alerting.channels.0.url');
    expect(msg).toContain('alerting.channels.1.kind');
    expect(msg).toContain('alerting.channels.2.secret');
    expect(msg).toContain('alerting.routes.0.actors.0');
  });

  it('refuses unknown channel names in routes and duplicate channel names', () => {
    expect(() =>
      parseAlertingConfig({
        channels: [
          { name: 'x', kind: 'teams', url: 'https://example.test/a' },
          { name: 'x', kind: 'teams', url: 'https://example.test/b' },
        ],
        routes: [{ channels: ['y'] }],
      }),
    ).toThrow(/duplicate channel x.*no channel named y/);
  });

  it('refuses bad quiet hours', () => {
    const ch = { name: 'x', kind: 'teams', url: 'https://example.test/a' };
    expect(() =>
      parseAlertingConfig({ channels: [{ ...ch, quietHours: { start: '25:00', end: '07:00' } }] }),
    ).toThrow(/HH:MM/);
    expect(() =>
      parseAlertingConfig({
        channels: [{ ...ch, quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Base' } }],
      }),
    ).toThrow(/time zone/);
  });
});
