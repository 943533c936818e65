// A leaky bucket in event time, as CrowdSec's scenarios count: each event pours one unit, the
// bucket leaks one unit every `leakSeconds`, and it overflows when its level exceeds `capacity`.
// With a distinct set, an event whose value is already in the (not yet empty) bucket pours nothing.

import { z } from 'zod';

export const bucketSchema = (capacity: number, leakSeconds: number) =>
  z
    .object({
      /** Units the bucket holds; one more overflows it. */
      capacity: z.number().int().min(1).default(capacity),
      /** Seconds for one unit to leak out. */
      leakSeconds: z.number().positive().default(leakSeconds),
    })
    .default({ capacity, leakSeconds });

export interface BucketConfig {
  capacity: number;
  leakSeconds: number;
}

export interface LeakyBucket {
  level: number;
  /** Event time of the last pour (Unix seconds). */
  at: number;
  /** Values in the bucket, for distinct buckets; bounded (cleared past `4 × capacity`). */
  seen: Set<string> | null;
}

export function newBucket(t: number, distinct: boolean): LeakyBucket {
  return { level: 0, at: t, seen: distinct ? new Set() : null };
}

/** Pours one event at time t; true when the bucket is over capacity afterwards. */
export function pour(b: LeakyBucket, config: BucketConfig, t: number, value?: string): boolean {
  // Records can arrive slightly out of order: time never runs backwards for the bucket.
  if (t > b.at) {
    b.level = Math.max(0, b.level - (t - b.at) / config.leakSeconds);
    b.at = t;
  }
  if (b.seen !== null && value !== undefined) {
    if (b.level === 0 || b.seen.size > 4 * config.capacity) b.seen.clear();
    if (b.seen.has(value)) return b.level > config.capacity;
    b.seen.add(value);
  }
  b.level += 1;
  return b.level > config.capacity;
}

/** True when the bucket has drained completely by time t (its state can be dropped). */
export function drained(b: LeakyBucket, config: BucketConfig, t: number): boolean {
  return b.level - (t - b.at) / config.leakSeconds <= 0;
}
