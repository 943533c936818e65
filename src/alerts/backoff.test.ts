import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff.ts';

describe('retry back-off', () => {
  const p = { baseDelaySeconds: 2, maxDelaySeconds: 60 };
  it('doubles per attempt up to the cap (no jitter at random = 1-)', () => {
    const top = (): number => 0.999999;
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((a) => Math.round(retryDelayMs(p, a, top) / 1000))).toEqual([
      2, 4, 8, 16, 32, 60, 60, 60,
    ]);
  });
  it('jitters between half and all of the delay', () => {
    expect(retryDelayMs(p, 3, () => 0)).toBe(4000);
    expect(retryDelayMs(p, 3, () => 0.5)).toBe(6000);
  });
});
