// Every sink kind against its real loopback receiver: the same contract for all six.

import { manualClock } from '../core/clock.ts';
import { discordOptions, createDiscordSink } from './discord.ts';
import { createEmailSink, emailOptions } from './email.ts';
import { sinkContract } from './sink.contract.ts';
import { createSlackSink, slackOptions } from './slack.ts';
import { createSyslogCefSink, syslogCefOptions } from './syslog-cef.ts';
import { createTeamsSink, teamsOptions } from './teams.ts';
import { startHttpReceiver, startTcpReceiver, startUdpReceiver } from './test-receivers.ts';
import { startSmtp } from './test-smtp.ts';
import { createWebhookSink, webhookOptions } from './webhook.ts';

const clock = manualClock(Date.parse('2026-11-20T00:00:00Z'));

sinkContract('slack', async () => {
  const rx = await startHttpReceiver();
  const sink = createSlackSink(slackOptions.parse({ kind: 'slack', url: rx.url }));
  return {
    sink,
    received: () => rx.requests.length,
    stopReceiver: () => rx.stop(),
    dispose: () => rx.stop(),
  };
});

sinkContract('teams', async () => {
  const rx = await startHttpReceiver();
  const sink = createTeamsSink(teamsOptions.parse({ kind: 'teams', url: rx.url }));
  return {
    sink,
    received: () => rx.requests.length,
    stopReceiver: () => rx.stop(),
    dispose: () => rx.stop(),
  };
});

sinkContract('discord', async () => {
  const rx = await startHttpReceiver();
  const sink = createDiscordSink(discordOptions.parse({ kind: 'discord', url: rx.url }));
  return {
    sink,
    received: () => rx.requests.length,
    stopReceiver: () => rx.stop(),
    dispose: () => rx.stop(),
  };
});

sinkContract('webhook', async () => {
  const rx = await startHttpReceiver();
  const sink = createWebhookSink(
    webhookOptions.parse({ kind: 'webhook', url: rx.url, secret: 's'.repeat(16) }),
    clock,
  );
  return {
    sink,
    received: () => rx.requests.length,
    stopReceiver: () => rx.stop(),
    dispose: () => rx.stop(),
  };
});

sinkContract('email', async () => {
  const smtp = await startSmtp();
  const opts = {
    kind: 'email',
    host: '127.0.0.1',
    port: smtp.port,
    from: 'g@example.test',
    to: ['o@example.test'],
  };
  const sink = createEmailSink(emailOptions.parse(opts));
  const stop = async (): Promise<void> => {
    if (smtp.child.exitCode !== null) return;
    const exited = new Promise((resolve) => smtp.child.once('exit', resolve));
    smtp.child.kill('SIGTERM');
    await exited;
  };
  return { sink, received: () => smtp.mails.length, stopReceiver: stop, dispose: stop };
});

sinkContract(
  'syslog-cef',
  async () => {
    const rx = await startTcpReceiver();
    const opts = { kind: 'syslog-cef', host: '127.0.0.1', port: rx.port, protocol: 'tcp' };
    const sink = createSyslogCefSink(syslogCefOptions.parse(opts), clock);
    let closed = false;
    const stop = async (): Promise<void> => {
      if (!closed) await rx.close();
      closed = true;
    };
    return { sink, received: () => rx.lines.length, stopReceiver: stop, dispose: stop };
  },
  'syslog-cef over TCP',
);

sinkContract(
  'syslog-cef',
  async () => {
    const rx = await startUdpReceiver();
    const opts = { kind: 'syslog-cef', host: '127.0.0.1', port: rx.port, protocol: 'udp' };
    const sink = createSyslogCefSink(syslogCefOptions.parse(opts), clock);
    return { sink, received: () => rx.lines.length, stopReceiver: null, dispose: () => rx.close() };
  },
  'syslog-cef over UDP',
);
