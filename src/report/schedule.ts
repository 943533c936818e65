// Scheduled reports: `serve` calls startReportSchedule(config, deps) once; each schedule of the
// `reports` section makes its report at its local time and mails it, attached, through its e-mail
// channel. Times come from the injected clock; the timers only wait for the next run.

import type { Clock } from '../core/clock.ts';
import { errorMessage, UserError } from '../core/errors.ts';
import type { SakuraGuardConfig } from '../config/schema.ts';
import type { FindingStore } from '../findings/store.ts';
import { emailOptions, sendDocumentMail, type EmailOptions } from '../sinks/email.ts';
import { SinkError } from '../sinks/sink.ts';
import type { FlowStore } from '../store/store.ts';
import { WEEKDAYS, type ReportSchedule } from './config.ts';
import { gatherReport } from './gather.ts';
import { reportMail } from './mail.ts';
import type { Period } from './period.ts';
import { renderReport } from './render.ts';

const DAY_MS = 86_400_000;
/** setTimeout's longest delay; longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A failed mail is tried again this often, this many times, when the failure may heal. */
export const RETRY_DELAY_MS = 60_000;
export const MAX_ATTEMPTS = 3;

export interface ScheduleLog {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface ReportScheduleDeps {
  findings: FindingStore;
  flows: FlowStore;
  dataDir: string;
  clock: Clock;
  log?: ScheduleLog;
}

export interface RunningSchedule {
  /** The next run of each schedule (ISO time), for logs and tests. */
  nextRuns(): { name: string; at: string }[];
  /** Resolves when every report being made has finished; no new run starts after it. */
  stop(): Promise<void>;
}

interface LocalParts {
  y: number;
  m: number;
  d: number;
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(ms: number, timeZone: string): LocalParts {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  const v: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(ms))) if (p.type !== 'literal') v[p.type] = Number(p.value);
  return { y: v.year ?? 1970, m: v.month ?? 1, d: v.day ?? 1, minutes: (v.hour ?? 0) * 60 + (v.minute ?? 0) };
}

/** Offset of the zone from UTC at `ms`, in milliseconds (Asia/Tokyo: +9 h). */
function offsetMs(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  return Date.UTC(p.y, p.m - 1, p.d, 0, p.minutes) - Math.floor(ms / 60_000) * 60_000;
}

/** The UTC instant of a local wall-clock time (the later one when DST repeats it). */
export function zonedTimeToUtc(y: number, m: number, d: number, minutes: number, timeZone: string): number {
  const guess = Date.UTC(y, m - 1, d, 0, minutes);
  const first = guess - offsetMs(guess, timeZone);
  return guess - offsetMs(first, timeZone);
}

/** The first run of the schedule strictly after `afterMs`. */
export function nextRunAt(s: ReportSchedule, afterMs: number): number {
  const local = localParts(afterMs, s.timeZone);
  const minutes = Number(s.at.slice(0, 2)) * 60 + Number(s.at.slice(3, 5));
  for (let k = 0; k <= 8; k++) {
    const day = new Date(Date.UTC(local.y, local.m - 1, local.d + k));
    if (s.every === 'weekly' && WEEKDAYS[day.getUTCDay()] !== s.weekday) continue;
    const at = zonedTimeToUtc(
      day.getUTCFullYear(),
      day.getUTCMonth() + 1,
      day.getUTCDate(),
      minutes,
      s.timeZone,
    );
    if (at > afterMs) return at;
  }
  throw new Error(`no run of schedule ${s.name} within 8 days`); // unreachable: every week has the day
}

/** The period a run covers: the day or the week before it. */
export function schedulePeriod(s: ReportSchedule, runAtMs: number): Period {
  return { fromMs: runAtMs - (s.every === 'daily' ? 1 : 7) * DAY_MS, toMs: runAtMs };
}

/** The e-mail channel of each schedule; every problem at once, as a UserError. */
export function scheduleChannels(config: SakuraGuardConfig): Map<string, EmailOptions> {
  const out = new Map<string, EmailOptions>();
  const problems: string[] = [];
  config.reports.schedules.forEach((s, i) => {
    const ch = config.alerting.channels.find((c) => c.name === s.channel);
    if (ch === undefined) problems.push(`reports.schedules.${i}.channel: no channel named ${s.channel}`);
    else if (ch.kind !== 'email')
      problems.push(`reports.schedules.${i}.channel: ${s.channel} is a ${ch.kind} channel, not email`);
    else out.set(s.name, emailOptions.parse({ ...ch, kind: 'email' }));
  });
  const names = config.reports.schedules.map((s) => s.name);
  for (const n of names.filter((n, i) => names.indexOf(n) !== i)) problems.push(`duplicate schedule ${n}`);
  if (problems.length > 0) {
    throw new UserError(`invalid reports configuration: ${problems.join('; ')}`, {
      hint: 'a scheduled report is mailed through a channel of kind email in alerting.channels (docs/reports.md)',
    });
  }
  return out;
}

/** Makes one scheduled report for the run at `runAtMs` and mails it. */
export async function runScheduledReport(
  s: ReportSchedule,
  channel: EmailOptions,
  deps: ReportScheduleDeps,
  runAtMs: number,
): Promise<void> {
  const data = await gatherReport(deps, schedulePeriod(s, runAtMs));
  const doc = await renderReport(data, s.format, s.language);
  await sendDocumentMail(channel, reportMail(data, s, doc));
}

export function startReportSchedule(config: SakuraGuardConfig, deps: ReportScheduleDeps): RunningSchedule {
  const channels = scheduleChannels(config);
  const timers = new Map<string, NodeJS.Timeout>();
  const next = new Map<string, number>();
  const running = new Set<Promise<void>>();
  let stopped = false;

  /** Waits until `fireAt`, then makes the report of the run at `runAt` (later on a retry). */
  const arm = (s: ReportSchedule, fireAt: number, runAt: number, attempt: number): void => {
    if (stopped) return;
    next.set(s.name, fireAt);
    const wait = Math.max(0, fireAt - deps.clock.now());
    const timer = setTimeout(
      () => {
        if (stopped) return;
        if (wait > MAX_TIMER_MS) return arm(s, fireAt, runAt, attempt); // longer than one timer: wait again
        const run = fire(s, runAt, attempt).finally(() => running.delete(run));
        running.add(run);
      },
      Math.min(wait, MAX_TIMER_MS),
    );
    timer.unref();
    timers.set(s.name, timer);
  };

  const armNext = (s: ReportSchedule, afterMs: number): void => {
    const at = nextRunAt(s, afterMs);
    arm(s, at, at, 1);
  };

  const fire = async (s: ReportSchedule, runAt: number, attempt: number): Promise<void> => {
    const channel = channels.get(s.name);
    if (channel === undefined) return;
    const fields = { schedule: s.name, runAt: new Date(runAt).toISOString(), attempt };
    try {
      await runScheduledReport(s, channel, deps, runAt);
      deps.log?.info(fields, 'scheduled report sent');
      armNext(s, runAt);
    } catch (e) {
      const retry = attempt < MAX_ATTEMPTS && (!(e instanceof SinkError) || e.retryable);
      deps.log?.error({ ...fields, error: errorMessage(e), retry }, 'scheduled report failed');
      if (retry) arm(s, deps.clock.now() + RETRY_DELAY_MS, runAt, attempt + 1);
      else armNext(s, runAt);
    }
  };

  for (const s of config.reports.schedules) armNext(s, deps.clock.now());
  return {
    nextRuns: () => [...next].map(([name, at]) => ({ name, at: new Date(at).toISOString() })),
    stop: async () => {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
      await Promise.allSettled([...running]);
    },
  };
}
