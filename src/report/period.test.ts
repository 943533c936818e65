import { describe, expect, it } from 'vitest';
import { UserError } from '../core/errors.ts';
import { formatDayOrTime, formatPeriod, periodFromFlags } from './period.ts';

const NOW = Date.parse('2026-11-23T10:30:00Z');

describe('report period', () => {
  it('defaults to the 7 days before now', () => {
    expect(periodFromFlags(undefined, undefined, NOW)).toEqual({ fromMs: NOW - 7 * 86_400_000, toMs: NOW });
  });

  it('reads days (the --to day included whole) and times with offsets', () => {
    expect(periodFromFlags('2026-11-16', '2026-11-22', NOW)).toEqual({
      fromMs: Date.parse('2026-11-16T00:00:00Z'),
      toMs: Date.parse('2026-11-23T00:00:00Z'),
    });
    expect(periodFromFlags('2026-11-16T09:00:00+09:00', '2026-11-17T00:00:00Z', NOW).fromMs).toBe(
      Date.parse('2026-11-16T00:00:00Z'),
    );
    expect(periodFromFlags(undefined, '2026-11-22', NOW).fromMs).toBe(Date.parse('2026-11-16T00:00:00Z'));
  });

  it('refuses text that is not a date, an empty period and one over a year', () => {
    for (const [from, to] of [
      ['last week', undefined],
      ['2026-11-16T09:00', undefined],
      ['2026-13-01', undefined],
      ['2026-11-20', '2026-11-19'],
      ['2024-01-01', '2026-01-01'],
    ] as const) {
      expect(() => periodFromFlags(from, to, NOW), `${from} ${to}`).toThrow(UserError);
    }
  });

  it('formats midnights as days and other instants with the time', () => {
    expect(formatDayOrTime(Date.parse('2026-11-16T00:00:00Z'))).toBe('2026-11-16');
    expect(formatDayOrTime(Date.parse('2026-11-16T07:00:00Z'))).toBe('2026-11-16 07:00');
  });

  it('shows a period of whole days by the days it includes', () => {
    const d = (s: string): number => Date.parse(`${s}Z`);
    expect(formatPeriod(d('2026-11-23T00:00'), d('2026-11-24T00:00'))).toBe('2026-11-23');
    expect(formatPeriod(d('2026-11-16T00:00'), d('2026-11-23T00:00'))).toBe('2026-11-16 – 2026-11-22');
    expect(formatPeriod(d('2026-11-22T07:00'), d('2026-11-23T07:00'))).toBe(
      '2026-11-22 07:00 – 2026-11-23 07:00',
    );
  });
});
