import { describe, expect, it } from 'vitest';
import { drained, newBucket, pour } from './leaky-bucket.ts';

const CONFIG = { capacity: 3, leakSeconds: 2 };

describe('leaky bucket', () => {
  it('overflows on the event past capacity, and leaks one unit per leakSeconds', () => {
    const b = newBucket(100, false);
    expect([pour(b, CONFIG, 100), pour(b, CONFIG, 100), pour(b, CONFIG, 100)]).toEqual([false, false, false]);
    expect(pour(b, CONFIG, 100)).toBe(true);
    // 4 s later two units have leaked: 4 - 2 + 1 = 3, not over.
    expect(pour(b, CONFIG, 104)).toBe(false);
    expect(drained(b, CONFIG, 109)).toBe(false);
    expect(drained(b, CONFIG, 110)).toBe(true);
  });

  it('a distinct bucket pours each value once while it holds it, and forgets them once empty', () => {
    const b = newBucket(0, true);
    for (const v of ['a', 'a', 'a', 'b', 'b']) pour(b, CONFIG, 0, v);
    expect(b.level).toBe(2);
    expect(pour(b, CONFIG, 0, 'c')).toBe(false);
    expect(pour(b, CONFIG, 0, 'd')).toBe(true);
    pour(b, CONFIG, 100, 'a');
    expect(b.level).toBe(1);
  });

  it('a record older than the last pour leaks nothing', () => {
    const b = newBucket(50, false);
    pour(b, CONFIG, 50);
    pour(b, CONFIG, 40);
    expect(b.level).toBe(2);
    expect(b.at).toBe(50);
  });
});
