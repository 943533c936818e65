import { describe, expect, it } from 'vitest';
import { checkEgress, forbiddenAddress } from './egress.ts';
import { postJson } from './http.ts';
import { SinkError } from './sink.ts';

describe('egress guard', () => {
  it('refuses metadata, link-local, unspecified and multicast addresses; allows private and public', () => {
    for (const a of [
      '169.254.169.254',
      '0.0.0.0',
      '224.0.0.1',
      'fe80::1',
      '::',
      'fd00:ec2::254',
      '::ffff:169.254.169.254',
    ])
      expect(forbiddenAddress(a), a).not.toBeNull();
    for (const a of ['10.0.0.5', '127.0.0.1', '192.168.1.1', '203.0.113.9', '::1', '2001:db8::1'])
      expect(forbiddenAddress(a), a).toBeNull();
  });

  it('checks every address a name resolves to', async () => {
    const resolve = async (h: string): Promise<string[]> =>
      h === 'evil.test' ? ['10.0.0.1', '169.254.169.254'] : ['10.0.0.1'];
    await expect(checkEgress('https://evil.test/hook', resolve)).rejects.toThrow(/link-local/);
    await expect(checkEgress('https://ok.test/hook', resolve)).resolves.toBeUndefined();
    await expect(checkEgress('http://[fe80::1]:8080/x')).rejects.toBeInstanceOf(SinkError);
  });

  it('postJson refuses the metadata service before any request, permanently', async () => {
    const e = await postJson({
      url: 'http://169.254.169.254/latest/meta-data/',
      body: '{}',
      timeoutMs: 1000,
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SinkError);
    expect((e as SinkError).retryable).toBe(false);
    expect((e as SinkError).message).toContain('link-local');
  });
});
