// Per-exporter sequence tracking. Each protocol numbers something different (FORMATS.md §9.11):
// v5 counts flows (next = seq + count), v9 counts export packets per Source ID (next = seq + 1),
// IPFIX counts data records per Observation Domain, before this message (next = seq + records).
// A jump forward is loss; a jump backward (restart, reordering) resynchronises without a gap.

export type SequenceUnit = 'flows' | 'packets' | 'records';

export interface SequenceObservation {
  /** Units missed between the previous message and this one (0 when none or unknown). */
  missed: number;
  /** Export time (Unix ms) of the previous message of the same stream, when there was one. */
  previousMs: number;
  /** The number went backwards: a restart or reordering. */
  reset: boolean;
}

interface StreamState {
  lastSeq: number;
  /** What the last message adds to the number; -1 when unknown (data without its template). */
  lastIncrement: number;
  lastMs: number;
  /**
   * softflowd numbers IPFIX messages including their own records (the RFC says before them); an
   * exporter seen doing so is checked by its own rule from then on instead of reporting loss.
   */
  inclusive: boolean;
}

const HALF_RANGE = 0x80000000;

export interface SequenceTracker {
  /**
   * Records one message: its sequence number, what it adds to the count (flows, 1, or data
   * records; -1 if unknown) and its export time.
   */
  observe(
    stream: string,
    unit: SequenceUnit,
    seq: number,
    increment: number,
    exportMs: number,
  ): SequenceObservation;
  readonly streams: number;
}

export function createSequenceTracker(maxStreams: number): SequenceTracker {
  const states = new Map<string, StreamState>();
  return {
    observe(stream, unit, seq, increment, exportMs) {
      const s = states.get(stream);
      const result: SequenceObservation = { missed: 0, previousMs: s?.lastMs ?? exportMs, reset: false };
      if (s === undefined) {
        if (states.size >= maxStreams) {
          const oldest = states.keys().next().value;
          if (oldest !== undefined) states.delete(oldest);
        }
        states.set(stream, { lastSeq: seq, lastIncrement: increment, lastMs: exportMs, inclusive: false });
        return result;
      }
      const step = s.inclusive ? increment : s.lastIncrement;
      if (step >= 0) {
        const diff = (seq - ((s.lastSeq + step) >>> 0)) >>> 0;
        if (diff !== 0 && diff < HALF_RANGE) {
          if (unit === 'records' && !s.inclusive && increment > 0 && (seq - s.lastSeq) >>> 0 === increment) {
            s.inclusive = true;
          } else {
            result.missed = diff;
          }
        } else if (diff >= HALF_RANGE) {
          result.reset = true;
        }
      }
      s.lastSeq = seq;
      s.lastIncrement = increment;
      s.lastMs = exportMs;
      return result;
    },
    get streams() {
      return states.size;
    },
  };
}
