// The literal registry of sinks: one file per channel kind, one schema and one line here each.

import type { Clock } from '../core/clock.ts';
import { createDiscordSink, discordOptions, type DiscordOptions } from './discord.ts';
import { createEmailSink, emailOptions, type EmailOptions } from './email.ts';
import {
  createSakuraMonitoringSink,
  sakuraMonitoringOptions,
  type SakuraMonitoringOptions,
} from './sakura-monitoring.ts';
import type { Sink } from './sink.ts';
import { createSlackSink, slackOptions, type SlackOptions } from './slack.ts';
import { createSyslogCefSink, syslogCefOptions, type SyslogCefOptions } from './syslog-cef.ts';
import { createTeamsSink, teamsOptions, type TeamsOptions } from './teams.ts';
import { createWebhookSink, webhookOptions, type WebhookOptions } from './webhook.ts';

/** Each kind's own options; alerts/config.ts adds the routing policy every channel has. */
export const sinkOptionSchemas = [
  slackOptions,
  emailOptions,
  webhookOptions,
  teamsOptions,
  discordOptions,
  syslogCefOptions,
  sakuraMonitoringOptions,
] as const;

export type SinkOptions =
  | SlackOptions
  | EmailOptions
  | WebhookOptions
  | TeamsOptions
  | DiscordOptions
  | SyslogCefOptions
  | SakuraMonitoringOptions;

export type SinkKind = SinkOptions['kind'];

export function createSink(o: SinkOptions, clock: Clock): Sink {
  switch (o.kind) {
    case 'slack':
      return createSlackSink(o);
    case 'email':
      return createEmailSink(o);
    case 'webhook':
      return createWebhookSink(o, clock);
    case 'teams':
      return createTeamsSink(o);
    case 'discord':
      return createDiscordSink(o);
    case 'syslog-cef':
      return createSyslogCefSink(o, clock);
    case 'sakura-monitoring':
      return createSakuraMonitoringSink(o, clock);
    default: {
      const never: never = o;
      return never;
    }
  }
}
