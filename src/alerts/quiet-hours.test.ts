import { describe, expect, it } from 'vitest';
import { inQuietHours, localMinuteOfDay } from './quiet-hours.ts';

describe('quiet hours', () => {
  it('reads the local time in the time zone', () => {
    // 13:30 UTC is 22:30 in Tokyo (UTC+9, no DST).
    expect(localMinuteOfDay(Date.parse('2026-11-20T13:30:00Z'), 'Asia/Tokyo')).toBe(22 * 60 + 30);
    // New York is on EST (UTC-5) in November, EDT (UTC-4) in July.
    expect(localMinuteOfDay(Date.parse('2026-11-20T13:30:00Z'), 'America/New_York')).toBe(8 * 60 + 30);
    expect(localMinuteOfDay(Date.parse('2026-07-20T13:30:00Z'), 'America/New_York')).toBe(9 * 60 + 30);
  });

  it('spans midnight', () => {
    const q = { start: '22:00', end: '07:00', timeZone: 'Asia/Tokyo' };
    expect(inQuietHours(q, Date.parse('2026-11-20T13:00:00Z'))).toBe(true); // 22:00 JST
    expect(inQuietHours(q, Date.parse('2026-11-20T21:59:00Z'))).toBe(true); // 06:59 JST
    expect(inQuietHours(q, Date.parse('2026-11-20T22:00:00Z'))).toBe(false); // 07:00 JST
    expect(inQuietHours(q, Date.parse('2026-11-20T12:59:00Z'))).toBe(false); // 21:59 JST
  });

  it('works within a day, and start == end is all day', () => {
    const q = { start: '12:00', end: '13:00', timeZone: 'UTC' };
    expect(inQuietHours(q, Date.parse('2026-11-20T12:30:00Z'))).toBe(true);
    expect(inQuietHours(q, Date.parse('2026-11-20T13:00:00Z'))).toBe(false);
    expect(inQuietHours({ start: '00:00', end: '00:00', timeZone: 'UTC' }, 0)).toBe(true);
  });
});
