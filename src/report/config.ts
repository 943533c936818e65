// The `reports` section of sakura-guard.yaml: scheduled reports that `serve` mails through an
// e-mail channel of the `alerting` section. Every option has a default; no schedule by default.

import { z } from 'zod';

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM (24-hour)');

const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'unknown time zone (use an IANA name such as Asia/Tokyo)' },
);

export const WEEKDAYS = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
] as const;

export const reportScheduleSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, ".", "_" and "-" only'),
    /** daily: the 24 hours before each run; weekly: the 7 days before each run. */
    every: z.enum(['daily', 'weekly']),
    /** Local time of day the report is made and sent. */
    at: clockTime.default('07:00'),
    /** Day of a weekly report (ignored for daily ones). */
    weekday: z.enum(WEEKDAYS).default('monday'),
    timeZone: timeZone.default('UTC'),
    /** Name of an `email` channel in alerting.channels; its SMTP settings and recipients are used. */
    channel: z.string().min(1),
    /** pdf or html, attached to the mail. */
    format: z.enum(['pdf', 'html']).default('pdf'),
    language: z.enum(['en', 'ja']).default('en'),
  })
  .strict();
export type ReportSchedule = z.infer<typeof reportScheduleSchema>;

export const reportsSchema = z
  .object({
    schedules: z.array(reportScheduleSchema).default([]),
  })
  .strict();
export type ReportsConfig = z.infer<typeof reportsSchema>;
