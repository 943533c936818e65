import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { UserError } from '../core/errors.ts';
import { configSchema, type SakuraGuardConfig } from '../config/schema.ts';
import { createDuckDbFindingStore } from '../findings/duckdb-store.ts';
import { waitFor } from '../sinks/test-receivers.ts';
import { startSmtp } from '../sinks/test-smtp.ts';
import { openDuckDbStore, type DuckDbFlowStore } from '../store/duckdb.ts';
import { reportScheduleSchema, WEEKDAYS } from './config.ts';
import {
  nextRunAt,
  scheduleChannels,
  schedulePeriod,
  startReportSchedule,
  type ReportScheduleDeps,
} from './schedule.ts';
import { makeTestDataset, type TestDataset } from './test-dataset.ts';

const at = (iso: string): number => Date.parse(iso);
const sched = (over: Record<string, unknown>) =>
  reportScheduleSchema.parse({ name: 's', every: 'daily', channel: 'mail', ...over });

describe('when scheduled reports run', () => {
  it.each([
    ['daily 07:00 UTC, just before', { at: '07:00' }, '2026-11-23T06:59:00Z', '2026-11-23T07:00:00.000Z'],
    ['daily 07:00 UTC, at the time', { at: '07:00' }, '2026-11-23T07:00:00Z', '2026-11-24T07:00:00.000Z'],
    ['daily 07:00 Tokyo', { timeZone: 'Asia/Tokyo' }, '2026-11-23T00:00:00Z', '2026-11-23T22:00:00.000Z'],
    [
      'weekly Monday 07:00 Tokyo, on a Monday after 07:00',
      { every: 'weekly', weekday: 'monday', timeZone: 'Asia/Tokyo' },
      '2026-11-23T00:00:00Z',
      '2026-11-29T22:00:00.000Z',
    ],
    [
      'weekly Friday 18:30 UTC',
      { every: 'weekly', weekday: 'friday', at: '18:30' },
      '2026-11-23T12:00:00Z',
      '2026-11-27T18:30:00.000Z',
    ],
    [
      'New York before the end of DST',
      { timeZone: 'America/New_York' },
      '2026-10-31T00:00:00Z',
      '2026-10-31T11:00:00.000Z',
    ],
    [
      'New York after the end of DST',
      { timeZone: 'America/New_York' },
      '2026-11-01T00:00:00Z',
      '2026-11-01T12:00:00.000Z',
    ],
  ])('%s', (_name, over, after, expected) => {
    expect(new Date(nextRunAt(sched(over), at(after))).toISOString()).toBe(expected);
  });

  it('covers the day or the week before the run', () => {
    const run = at('2026-11-23T07:00:00Z');
    expect(schedulePeriod(sched({}), run)).toEqual({ fromMs: run - 86_400_000, toMs: run });
    expect(schedulePeriod(sched({ every: 'weekly' }), run)).toEqual({
      fromMs: run - 7 * 86_400_000,
      toMs: run,
    });
  });

  it('refuses a schedule whose channel is missing or not e-mail, naming each one', () => {
    const config = configSchema.parse({
      alerting: {
        channels: [{ kind: 'slack', name: 'chat', url: 'https://hooks.slack.com/services/x' }],
      },
      reports: {
        schedules: [
          { name: 'a', every: 'daily', channel: 'nope' },
          { name: 'b', every: 'weekly', channel: 'chat' },
        ],
      },
    });
    expect(() => scheduleChannels(config)).toThrow(UserError);
    expect(() => scheduleChannels(config)).toThrow(
      /schedules.0.channel: no channel named nope.*schedules.1.channel: chat is a slack channel/,
    );
  });
});

/** The base64 attachment of a raw MIME mail, with its headers. */
function attachment(raw: string): { headers: string; body: Buffer } | null {
  const i = raw.search(/Content-Disposition: attachment/i);
  if (i < 0) return null;
  const start = raw.lastIndexOf('\r\n--', i);
  const blank = raw.indexOf('\r\n\r\n', i);
  const end = raw.indexOf('\r\n--', blank);
  return {
    headers: raw.slice(start, blank),
    body: Buffer.from(raw.slice(blank + 4, end).replace(/\s/g, ''), 'base64'),
  };
}

describe('scheduled reports mailed to a real SMTP server process', () => {
  let dir = '';
  let ds: TestDataset;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let flows: DuckDbFlowStore;
  let deps: Omit<ReportScheduleDeps, 'clock'>;
  const errors: string[] = [];
  const log = {
    info: () => undefined,
    error: (fields: Record<string, unknown>) => errors.push(String(fields.error)),
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sg-report-schedule-'));
    ds = await makeTestDataset(dir);
    smtp = await startSmtp();
    flows = await openDuckDbStore(ds.dataDir);
    deps = { flows, findings: await createDuckDbFindingStore(flows.connection), dataDir: ds.dataDir, log };
  }, 60_000);
  afterAll(async () => {
    smtp.child.kill('SIGTERM');
    await flows.close();
    await rm(dir, { recursive: true, force: true });
  });

  const config = (schedule: Record<string, unknown>): SakuraGuardConfig =>
    configSchema.parse({
      alerting: {
        channels: [
          {
            kind: 'email',
            name: 'ops-mail',
            host: '127.0.0.1',
            port: smtp.port,
            from: 'guard@example.test',
            to: ['ops@example.test'],
          },
        ],
      },
      reports: { schedules: [{ name: 'r', channel: 'ops-mail', ...schedule }] },
    });

  it('sends a daily HTML report at its time, covering the day before, then waits for the next day', async () => {
    const runAt = at(`${ds.day}T06:00:00Z`);
    const clock = manualClock(runAt - 200);
    const running = startReportSchedule(config({ every: 'daily', at: '06:00', format: 'html' }), {
      ...deps,
      clock,
    });
    expect(running.nextRuns()).toEqual([{ name: 'r', at: new Date(runAt).toISOString() }]);
    const before = smtp.mails.length;
    await waitFor(() => smtp.mails.length > before || errors.length > 0, 2000);
    expect(errors).toEqual([]);
    const mail = smtp.mails[before];
    expect(mail?.to).toEqual(['ops@example.test']);
    expect(mail?.raw).toContain('Subject: =?UTF-8?Q?=5BSakura_Guard=5D_Daily_security_report');
    const file = attachment(mail?.raw ?? '');
    expect(file?.headers).toMatch(/Content-Type: text\/html/i);
    expect(file?.headers).toContain(`sakura-guard-report-daily-${ds.day}-en.html`);
    const html = file?.body.toString('utf8') ?? '';
    expect(html).toContain('<h1>Security report</h1>');
    expect(html).toMatch(/<h2>Notable findings<\/h2>.*class="finding /s); // the generated attacks
    await waitFor(() => running.nextRuns()[0]?.at !== new Date(runAt).toISOString(), 500);
    expect(running.nextRuns()).toEqual([{ name: 'r', at: new Date(runAt + 86_400_000).toISOString() }]);
    await running.stop();
  }, 30_000);

  it('sends a weekly Japanese PDF report', async () => {
    const runAt = at(`${ds.today}T01:00:00Z`);
    const weekday = WEEKDAYS[new Date(runAt).getUTCDay()];
    const clock = manualClock(runAt - 200);
    const running = startReportSchedule(
      config({
        every: 'weekly',
        weekday,
        at: '10:00',
        timeZone: 'Asia/Tokyo',
        format: 'pdf',
        language: 'ja',
      }),
      { ...deps, clock },
    );
    const before = smtp.mails.length;
    await waitFor(() => smtp.mails.length > before || errors.length > 0, 4000);
    expect(errors).toEqual([]);
    await running.stop();
    const raw = smtp.mails[before]?.raw ?? '';
    expect(raw).toMatch(/Subject: =\?UTF-8\?/i); // the Japanese subject, MIME-encoded
    const file = attachment(raw);
    expect(file?.headers).toMatch(/Content-Type: application\/pdf/i);
    expect(file?.headers).toContain(`sakura-guard-report-weekly-${ds.today}-ja.pdf`);
    expect(file?.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  }, 60_000);
});
