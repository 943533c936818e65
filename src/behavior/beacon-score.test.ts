import { describe, expect, it } from 'vitest';
import { beaconScore, beaconWords } from './beacon-score.ts';

describe('beaconScore', () => {
  it('scores a perfectly periodic, same-size series near 1 and says it in words', () => {
    const times = Array.from({ length: 100 }, (_, k) => k * 60);
    const s = beaconScore(
      times,
      times.map(() => 420),
      0,
      99 * 60,
    );
    expect(s.score).toBeGreaterThan(0.95);
    expect(s.tsScore).toBe(1);
    expect(s.dsScore).toBe(1);
    expect(beaconWords(s)).toBe('every 60 s ± 0 s, 420 bytes each time (± 0), 100 times over 99 min');
  });

  it('random gaps: timing below a perfect score and a jitter far above the 20 % gate', () => {
    let x = 7;
    const rnd = (): number => (x = (x * 48271) % 2147483647) / 2147483647;
    const times: number[] = [];
    for (let t = 0; times.length < 100; t += 1 + rnd() * 600) times.push(Math.round(t));
    const s = beaconScore(
      times,
      times.map(() => Math.round(100 + rnd() * 50000)),
      0,
      86400,
    );
    expect(s.tsScore).toBeLessThan(0.8);
    expect(s.dsScore).toBeLessThan(0.8);
    expect(s.intervalJitter / s.intervalSeconds).toBeGreaterThan(0.3);
  });
});
