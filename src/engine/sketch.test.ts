import { describe, expect, it } from 'vitest';
import { createCountMin } from './sketch.ts';

describe('count-min sketch', () => {
  it('never underestimates, and is exact without collisions', () => {
    const s = createCountMin(12, 2);
    for (let k = 0; k < 20_000; k++) s.add(k * 7919, 1);
    for (let k = 0; k < 20_000; k += 997) expect(s.estimate(k * 7919)).toBeGreaterThanOrEqual(1);
    const t = createCountMin(16, 2);
    expect(t.add(42, 5)).toBe(5);
    expect(t.add(42, 3)).toBe(8);
    expect(t.estimate(43)).toBe(0);
  });
});
