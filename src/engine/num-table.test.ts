import { describe, expect, it } from 'vitest';
import { createNumTable } from './num-table.ts';

describe('NumTable', () => {
  it('maps keys (including doubles above 2^32) to rows across growth, with a cap', () => {
    const t = createNumTable(2, 10_000, 16);
    const keys = Array.from({ length: 5000 }, (_, i) => i * 2_654_435_761 + 0.5 * (i % 2));
    for (const k of keys) {
      const r = t.add(k);
      t.inc(r, 0);
      t.set(r, 1, k / 2);
    }
    expect(t.size).toBe(5000);
    for (const k of keys) {
      const r = t.find(k);
      expect(t.key(r)).toBe(k);
      expect([t.get(r, 0), t.get(r, 1)]).toEqual([1, k / 2]);
    }
    expect(t.add(keys[3]!)).toBe(t.find(keys[3]!));
    expect(t.find(-7)).toBe(-1);
    // An initial size that is not a power of two must still reach every slot.
    const odd = createNumTable(1, 100_000, 5000);
    for (let k = 0; k < 20_000; k++) odd.set(odd.add(k * 31.5), 0, k);
    expect(odd.get(odd.find(19_999 * 31.5), 0)).toBe(19_999);
    const capped = createNumTable(0, 3);
    expect([1, 2, 3, 4].map((k) => capped.add(k))).toEqual([0, 1, 2, -1]);
  });
});
