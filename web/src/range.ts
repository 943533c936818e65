// The time the stored flows cover, so pages open on the data's last day rather than on the
// wall clock's (an imported archive can be months old).

import { runQuery } from './api.ts';

export interface TimeRange {
  from: number;
  to: number;
}

let cached: Promise<TimeRange | null> | null = null;

export function dataRange(): Promise<TimeRange | null> {
  cached ??= runQuery('SELECT epoch_ms(min(time)) AS first, epoch_ms(max(time)) AS last FROM flows').then(
    (r) => {
      const row = r.rows[0];
      if (!row || row[0] === null || row[1] === null) return null;
      return { from: Number(row[0]), to: Number(row[1]) + 60_000 };
    },
    (e: unknown) => {
      cached = null;
      throw e;
    },
  );
  return cached;
}

/** The last `hours` of the data (or all of it when shorter). */
export function lastHours(r: TimeRange, hours: number): TimeRange {
  return { from: Math.max(r.from, r.to - hours * 3_600_000), to: r.to };
}

/** A bucket size giving about `n` buckets: 1, 5, 15, 30 min, 1, 3, 6, 12 h, 1 d. */
export function bucketFor(r: TimeRange, n = 96): number {
  const steps = [60, 300, 900, 1800, 3600, 10_800, 21_600, 43_200, 86_400];
  const want = (r.to - r.from) / 1000 / n;
  return (steps.find((s) => s >= want) ?? 86_400) * 1000;
}

export const SEVERITY_SERIES_SQL = `CASE WHEN severity >= 9 THEN 'critical' WHEN severity >= 7 THEN 'high' WHEN severity >= 4 THEN 'medium' ELSE 'low' END`;

export const SEVERITY_COLORS = {
  critical: '#7b1fa2',
  high: '#d32f2f',
  medium: '#f57c00',
  low: '#9e9e9e',
} as const;
