// A one-line progress indicator for long work, drawn on stderr only when it is a terminal.

import type { Clock } from '../core/clock.ts';

export interface ProgressState {
  label: string;
  done: number;
  total: number;
  /** Records so far, for the rate. */
  records: number;
  detail?: string;
}

export interface Progress {
  update(state: ProgressState): void;
  done(): void;
}

const REDRAW_MS = 100;

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(Math.round(n));
}

/** A progress line; a no-op unless `stream.isTTY`. */
export function createProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
  clock: Clock,
): Progress {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  const started = clock.now();
  let last = 0;
  let drawn = false;
  return {
    update(s) {
      const now = clock.now();
      if (now - last < REDRAW_MS) return;
      last = now;
      const frac = s.total > 0 ? Math.min(1, s.done / s.total) : 0;
      const width = 24;
      const filled = Math.round(frac * width);
      const secs = Math.max(0.001, (now - started) / 1000);
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
      let line = `${s.label} ${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${formatBytes(s.done)}/${formatBytes(s.total)}  ${formatCount(s.records)} records  ${formatCount(s.records / secs)}/s`;
      if (s.detail) line += `  ${s.detail}`;
      const cols = stream.columns ?? 100;
      if (line.length > cols - 1) line = line.slice(0, cols - 1);
      stream.write(`\r\x1b[2K${line}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
