import { describe, expect, it } from 'vitest';
import { parseAlertingConfig } from '../alerts/config.ts';
import { REDACTED, redactSecrets, scrubSecrets } from './redact.ts';

describe('redactSecrets', () => {
  it('hides secrets, tokens, passwords, header values and webhook URL paths of every channel kind', () => {
    const config = parseAlertingConfig({
      channels: [
        { name: 's', kind: 'slack', url: 'https://hooks.slack.com/services/T000/B000/XXXXSECRET' },
        {
          name: 'w',
          kind: 'webhook',
          url: 'https://soc.example/hook?sig=abc',
          secret: 'a-long-shared-secret-value',
          headers: { 'X-Api-Key': 'k-123456' },
        },
        {
          name: 'e',
          kind: 'email',
          host: 'smtp.example',
          auth: { user: 'alerts', pass: 'smtp-password-1' },
          from: 'sg@example',
          to: ['soc@example'],
        },
      ],
    });
    const shown = JSON.stringify(redactSecrets(config.channels));
    for (const secret of [
      'XXXXSECRET',
      'T000',
      'sig=abc',
      'a-long-shared-secret-value',
      'k-123456',
      'smtp-password-1',
      'alerts',
    ])
      expect(shown, secret).not.toContain(secret);
    const [slack, webhook, email] = redactSecrets(config.channels) as Record<string, unknown>[];
    expect(slack?.['url']).toBe(`https://hooks.slack.com/${REDACTED}`);
    expect(webhook?.['headers']).toEqual({ 'X-Api-Key': REDACTED });
    expect(email).toMatchObject({ host: 'smtp.example', port: 587, to: ['soc@example'], auth: REDACTED });
  });

  it('scrubs secrets and URLs quoted in an error message', () => {
    const channel = {
      name: 'w',
      kind: 'webhook',
      url: 'https://soc.example/hook/abc',
      secret: 'shared-secret-1234',
      headers: { 'X-Key': 'hdr-value' },
    };
    expect(
      scrubSecrets('POST https://soc.example/hook/abc failed; shared-secret-1234 hdr-value', channel),
    ).toBe(`POST ${REDACTED} failed; ${REDACTED} ${REDACTED}`);
  });
});
