// `sakura-guard alert test CHANNEL --config FILE`: sends a test alert straight to one channel of
// the configuration's `alerting` section (no routing, no outbox) and says whether it arrived.
// `alert channels --config FILE` lists the channels and the routes that feed them. Without
// --config, while `serve` runs, both ask the server: its channels in effect (the file's and those
// added through the API, docs/alerting.md) and its test route.

import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { parseAlertingConfig, type AlertingConfig } from '../../alerts/config.ts';
import { messageFor, type AlertMessage } from '../../alerts/message.ts';
import { systemClock } from '../../core/clock.ts';
import { errorMessage, UserError } from '../../core/errors.ts';
import { clampSeverity, isoTime, severityLabel } from '../../findings/finding.ts';
import { createSink } from '../../sinks/index.ts';
import { SinkError } from '../../sinks/sink.ts';
import { writeLine } from '../context.ts';
import { runningServer } from '../server-client.ts';
import type { RegisterCommand } from './index.ts';

/** The `alerting` section of a YAML configuration file. */
export function readAlertingConfig(file: string | undefined): AlertingConfig {
  if (file === undefined)
    throw new UserError('alert commands need a configuration file', {
      hint: 'pass --config FILE with an `alerting` section (see docs/alerting.md), or run it while `sakura-guard serve` holds the data directory',
    });
  let doc: unknown;
  try {
    doc = YAML.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`cannot read the configuration file ${file}: ${errorMessage(e)}`, {
      hint: 'check the path given to --config and that the file is valid YAML',
    });
  }
  const section =
    doc !== null && typeof doc === 'object' && !Array.isArray(doc)
      ? (doc as Record<string, unknown>).alerting
      : undefined;
  if (section === undefined)
    throw new UserError(`${file} has no alerting section`, {
      hint: 'add `alerting:` with channels (see docs/alerting.md)',
    });
  return parseAlertingConfig(section);
}

export function testMessage(
  channel: string,
  nowMs: number,
  severity: number,
  baseUrl: string | null,
): AlertMessage {
  const sev = clampSeverity(severity);
  const t = isoTime(nowMs / 1000);
  return messageFor(
    {
      id: `test-${nowMs}`,
      type: 'Test:Alert/Delivery',
      severity: sev,
      severityLabel: severityLabel(sev),
      title: `Sakura Guard test alert for channel ${channel}`,
      description: 'If you can read this, the channel is configured correctly. No action is needed.',
      resource: { ip: '192.0.2.10', name: 'test-host', id: null },
      actor: { ip: '198.51.100.1', port: null },
      role: 'target',
      count: 1,
      firstSeen: t,
      lastSeen: t,
      evidence: {
        threshold: 0,
        observed: 0,
        window: '0s',
        sample: ['(a test alert has no contributing records)'],
        query: '',
      },
      status: 'active',
      archivedBy: null,
      intelList: null,
      detector: 'alert-test',
      detail: {},
      windows: [],
      createdAt: nowMs,
      updatedAt: nowMs,
    },
    'test',
    `test alert for channel ${channel}`,
    baseUrl,
  );
}

export const registerAlert: RegisterCommand = (program, ctx) => {
  const cmd = program.command('alert').description('alert channels: test delivery, list channels and routes');

  cmd
    .command('test <channel>')
    .description('send a test alert to one channel of the configuration')
    .option(
      '--config <file>',
      'YAML configuration file with an `alerting` section (default: the running serve)',
    )
    .option('--severity <n>', 'severity of the test alert (1-10)', '7')
    .action(async (name: string, opts: { config?: string; severity: string }) => {
      const server = opts.config === undefined ? runningServer(ctx.dataDir()) : null;
      if (server) {
        const r = await server.request<{ ok: boolean; error: string | null }>(
          'POST',
          `/api/v1/alerts/channels/${encodeURIComponent(name)}/test`,
          { severity: Number(opts.severity) },
        );
        if (!r.ok)
          throw new UserError(`the test alert to ${name} was not delivered: ${r.error ?? 'unknown error'}`, {
            hint: 'check the channel: host, port and URL, credentials or shared secret',
          });
        writeLine(ctx.stdout, `delivered a test alert to ${name} (through ${server.url})`);
        return;
      }
      const config = readAlertingConfig(opts.config);
      const channel = config.channels.find((c) => c.name === name);
      if (channel === undefined)
        throw new UserError(`no channel named ${name} in ${opts.config}`, {
          hint: `channels: ${config.channels.map((c) => c.name).join(', ') || '(none)'}`,
        });
      const severity = Number(opts.severity);
      if (!Number.isFinite(severity) || severity < 1 || severity > 10)
        throw new UserError(`cannot read --severity '${opts.severity}'`, {
          hint: 'use a number from 1 to 10',
        });
      const now = systemClock.now();
      const sink = createSink(channel, systemClock);
      try {
        await sink.send(testMessage(name, now, severity, config.links.baseUrl), `test-${now}`);
      } catch (e) {
        const temporary = !(e instanceof SinkError) || e.retryable;
        throw new UserError(
          `the test alert to ${name} (${channel.kind}) was not delivered: ${errorMessage(e)}`,
          {
            hint: temporary
              ? 'the receiver could not be reached or asked to retry: check host, port and URL, and that it is up'
              : 'the receiver refused the message: check the URL, credentials or shared secret',
          },
        );
      } finally {
        await sink.close();
      }
      writeLine(ctx.stdout, `delivered a test alert to ${name} (${channel.kind})`);
    });

  cmd
    .command('channels')
    .description('list the configured channels and the routes that feed them')
    .option(
      '--config <file>',
      'YAML configuration file with an `alerting` section (default: the running serve)',
    )
    .action(async (opts: { config?: string }) => {
      const server = opts.config === undefined ? runningServer(ctx.dataDir()) : null;
      if (server) {
        const { items } = await server.request<{
          items: { name: string; kind: string; source: string; routes: string[] }[];
        }>('GET', '/api/v1/alerts/channels');
        for (const c of items)
          writeLine(
            ctx.stdout,
            `${c.name}\t${c.kind}\troutes: ${c.routes.join(', ') || '(none: receives nothing)'}\t(${c.source})`,
          );
        return;
      }
      const config = readAlertingConfig(opts.config);
      for (const c of config.channels) {
        const routes = config.routes
          .map((r, i) => ({ name: r.name ?? `route ${i + 1}`, r }))
          .filter(({ r }) => r.channels.includes(c.name))
          .map(({ name }) => name);
        writeLine(
          ctx.stdout,
          `${c.name}\t${c.kind}\troutes: ${routes.join(', ') || '(none: receives nothing)'}`,
        );
      }
    });
};
