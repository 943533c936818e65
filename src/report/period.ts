// The period a report covers, [from, to), from the command line or a schedule. Dates without a
// time are UTC days; a `--to` day is included whole (it ends at the next midnight).

import { EXIT_USAGE, UserError } from '../core/errors.ts';

export interface Period {
  fromMs: number;
  toMs: number;
}

export const DEFAULT_DAYS = 7;
const DAY_MS = 86_400_000;
/** Longest period a report may cover: a year of daily buckets stays legible. */
export const MAX_PERIOD_DAYS = 366;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function parseInstant(flag: string, text: string, endOfDay: boolean): number {
  if (DATE_ONLY.test(text)) {
    const t = Date.parse(`${text}T00:00:00Z`);
    if (Number.isFinite(t)) return endOfDay ? t + DAY_MS : t;
  } else if (DATE_TIME.test(text)) {
    const t = Date.parse(text);
    if (Number.isFinite(t)) return t;
  }
  throw new UserError(`${flag} '${text}' is not a date`, {
    hint: 'give a UTC day (2026-11-16) or a time with its offset (2026-11-16T09:00:00+09:00)',
    exitCode: EXIT_USAGE,
  });
}

/** The period of `report --from --to`: by default the 7 days before now. */
export function periodFromFlags(from: string | undefined, to: string | undefined, nowMs: number): Period {
  const toMs = to === undefined ? nowMs : parseInstant('--to', to, true);
  const fromMs = from === undefined ? toMs - DEFAULT_DAYS * DAY_MS : parseInstant('--from', from, false);
  if (fromMs >= toMs) {
    throw new UserError(`the period's start (${from ?? 'default'}) is not before its end (${to ?? 'now'})`, {
      hint: 'the period starts at --from and ends at --to; swap them or widen the period',
      exitCode: EXIT_USAGE,
    });
  }
  if (toMs - fromMs > MAX_PERIOD_DAYS * DAY_MS) {
    throw new UserError(`the period is longer than ${MAX_PERIOD_DAYS} days`, {
      hint: 'make one report per month or quarter instead',
      exitCode: EXIT_USAGE,
    });
  }
  return { fromMs, toMs };
}

/** `2026-11-16 09:00` in UTC, for titles and tables. */
export function formatUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** `2026-11-16`, or with the time when the instant is not a UTC midnight. */
export function formatDayOrTime(ms: number): string {
  return ms % DAY_MS === 0 ? new Date(ms).toISOString().slice(0, 10) : formatUtc(ms);
}

/** The period for people: a `to` at midnight is shown as the last day it includes. */
export function formatPeriod(fromMs: number, toMs: number): string {
  if (fromMs % DAY_MS === 0 && toMs % DAY_MS === 0) {
    const first = formatDayOrTime(fromMs);
    const last = formatDayOrTime(toMs - DAY_MS);
    return first === last ? first : `${first} – ${last}`;
  }
  return `${formatUtc(fromMs)} – ${formatUtc(toMs)}`;
}
