// Quiet hours in the channel's own time zone: "22:00"-"07:00" Asia/Tokyo spans midnight;
// start == end means all day. Daylight-saving changes are the time zone database's business.

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes since local midnight in the time zone. */
export function localMinuteOfDay(nowMs: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  let h = 0;
  let m = 0;
  for (const p of f.formatToParts(new Date(nowMs))) {
    if (p.type === 'hour') h = Number(p.value);
    else if (p.type === 'minute') m = Number(p.value);
  }
  return h * 60 + m;
}

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function inQuietHours(q: { start: string; end: string; timeZone: string }, nowMs: number): boolean {
  const start = minutes(q.start);
  const end = minutes(q.end);
  const t = localMinuteOfDay(nowMs, q.timeZone);
  if (start === end) return true;
  return start < end ? t >= start && t < end : t >= start || t < end;
}
