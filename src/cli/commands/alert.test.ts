import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startHttpReceiver,
  startUdpReceiver,
  waitFor,
  type HttpReceiver,
} from '../../sinks/test-receivers.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from '../../sinks/webhook.ts';
import { runCaptured } from '../run-captured.ts';
import { runningServer } from '../server-client.ts';
import { defaultConfig } from '../../config/schema.ts';
import { systemClock } from '../../core/clock.ts';
import { startServer } from '../../server/serve.ts';

const SECRET = 'cli-test-secret-0123456789';
let dir: string;
let rx: HttpReceiver;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sg-alert-cli-'));
  rx = await startHttpReceiver((r) =>
    verifyWebhook(
      SECRET,
      { timestamp: String(r.headers[TIMESTAMP_HEADER]), signature: String(r.headers[SIGNATURE_HEADER]) },
      r.body,
      Date.now() / 1000,
    )
      ? undefined
      : 401,
  );
});
afterEach(async () => {
  await rx.stop();
  await rm(dir, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return runCaptured(['--data-dir', path.join(dir, 'data'), ...args], { cwd: dir });
}

async function config(extra = ''): Promise<string> {
  const file = path.join(dir, 'sakura-guard.yaml');
  await writeFile(
    file,
    `alerting:
  links: { baseUrl: "https://guard.example" }
  channels:
    - name: hook
      kind: webhook
      url: ${rx.url}
      secret: ${SECRET}
    - name: wrong-secret
      kind: webhook
      url: ${rx.url}
      secret: not-the-secret-at-all
${extra}
  routes:
    - name: high
      minSeverity: high
      channels: [hook]
`,
  );
  return file;
}

describe('sakura-guard alert', () => {
  it('test sends a signed test alert to the channel', async () => {
    const r = await cli('alert', 'test', 'hook', '--config', await config());
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('delivered a test alert to hook (webhook)');
    expect(rx.requests).toHaveLength(1);
    const body = JSON.parse(rx.requests[0]?.body ?? '{}') as {
      reason: string;
      finding: { type: string; link: string };
    };
    expect(body.reason).toBe('test');
    expect(body.finding.type).toBe('Test:Alert/Delivery');
    expect(body.finding.link).toMatch(/^https:\/\/guard\.example\/findings\/test-/);
  });

  it('test over syslog CEF reaches a UDP receiver', async () => {
    const udp = await startUdpReceiver();
    try {
      const file = await config(`    - name: siem
      kind: syslog-cef
      host: 127.0.0.1
      port: ${udp.port}`);
      expect((await cli('alert', 'test', 'siem', '--config', file)).code).toBe(0);
      await waitFor(() => udp.lines.length > 0);
      expect(udp.lines[0]).toContain('CEF:0|Sakura|Sakura Guard|0.1.0|Test:Alert/Delivery|');
    } finally {
      await udp.close();
    }
  });

  it('says what went wrong: refused, unreachable, unknown channel, no config', async () => {
    const file = await config();
    const refused = await cli('alert', 'test', 'wrong-secret', '--config', file);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('was not delivered');
    expect(refused.err).toContain('401');
    expect(refused.err).toContain('shared secret');
    await rx.stop();
    const down = await cli('alert', 'test', 'hook', '--config', file);
    expect(down.code).toBe(2);
    expect(down.err).toContain('could not be reached');
    const unknown = await cli('alert', 'test', 'nope', '--config', file);
    expect(unknown.err).toContain('no channel named nope');
    expect(unknown.err).toContain('hook, wrong-secret');
    expect((await cli('alert', 'test', 'hook')).err).toContain('--config');
  });

  it('reports configuration errors with their paths', async () => {
    const file = path.join(dir, 'bad.yaml');
    await writeFile(file, 'alerting:\n  channels:\n    - { name: x, kind: slack, url: nope }\n');
    const r = await cli('alert', 'test', 'x', '--config', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain('alerting.channels.0.url');
  });

  it('channels lists each channel with the routes that feed it', async () => {
    const r = await cli('alert', 'channels', '--config', await config());
    expect(r.out).toContain('hook\twebhook\troutes: high');
    expect(r.out).toContain('wrong-secret\twebhook\troutes: (none: receives nothing)');
  });
});

describe('alert commands beside a running serve', () => {
  it('list the channels in effect and test one added through the API', async () => {
    const data = path.join(dir, 'data');
    const config = defaultConfig();
    config.server.port = 0;
    const server = await startServer({
      config,
      dataDir: data,
      clock: systemClock, // the receiver checks the signature's timestamp against the wall clock
      version: 't',
      logStream: false,
    });
    try {
      await runningServer(data)!.request('POST', '/api/v1/alerts/channels', {
        name: 'ops',
        kind: 'webhook',
        url: rx.url,
        secret: SECRET,
      });
      const listed = await runCaptured(['--data-dir', data, 'alert', 'channels']);
      expect(listed.err).toBe('');
      expect(listed.out).toBe('ops\twebhook\troutes: (none: receives nothing)\t(api)\n');
      const sent = await runCaptured(['--data-dir', data, 'alert', 'test', 'ops']);
      expect(sent.err).toBe('');
      expect(sent.out).toContain('delivered a test alert to ops (through http://127.0.0.1:');
      await waitFor(() => rx.requests.length > 0);
      expect(rx.requests[0]?.body).toContain('Test:Alert/Delivery');
      const missing = await runCaptured(['--data-dir', data, 'alert', 'test', 'nope']);
      expect(missing.code).toBe(2);
      expect(missing.err).toContain('no alert channel nope');
    } finally {
      await server.close();
    }
  });
});
