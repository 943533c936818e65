// Tumbling event-time windows that close on the watermark. A record for a window that has
// already closed is late (beyond the allowed lateness) and is counted, not applied.

export interface TumblingWindows<S> {
  /** The state of the window holding time t, or null when that window has closed. */
  at(t: number): S | null;
  /** Closes, in time order, every window ending at or before t. */
  closeUpTo(t: number, onClose: (start: number, end: number, state: S) => void): void;
  /** Start of the window that holds t. */
  startOf(t: number): number;
  /** All open windows (oldest first). */
  open(): Iterable<[number, S]>;
  readonly late: number;
}

export function createTumblingWindows<S>(
  sizeSeconds: number,
  make: (start: number) => S,
): TumblingWindows<S> {
  const windows = new Map<number, S>();
  let closedBefore = -Infinity;
  let late = 0;
  // The last window used: consecutive records nearly always fall in the same one.
  let cachedStart = NaN;
  let cached: S | null = null;
  return {
    at(t) {
      if (t >= cachedStart && t < cachedStart + sizeSeconds && cached !== null) return cached;
      const start = Math.floor(t / sizeSeconds) * sizeSeconds;
      if (start + sizeSeconds <= closedBefore) {
        late++;
        return null;
      }
      let s = windows.get(start);
      if (s === undefined) {
        s = make(start);
        windows.set(start, s);
      }
      cachedStart = start;
      cached = s;
      return s;
    },
    closeUpTo(t, onClose) {
      if (t > closedBefore) closedBefore = Math.floor(t / sizeSeconds) * sizeSeconds;
      cached = null;
      cachedStart = NaN;
      const due = [...windows.keys()].filter((start) => start + sizeSeconds <= t).sort((a, b) => a - b);
      for (const start of due) {
        const s = windows.get(start)!;
        windows.delete(start);
        onClose(start, start + sizeSeconds, s);
      }
    },
    startOf: (t) => Math.floor(t / sizeSeconds) * sizeSeconds,
    open: () => [...windows.entries()].sort((a, b) => a[0] - b[0]),
    get late() {
      return late;
    },
  };
}
