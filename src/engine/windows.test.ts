import { describe, expect, it } from 'vitest';
import { createTumblingWindows } from './windows.ts';

describe('tumbling windows', () => {
  it('closes windows in order once the watermark passes their end, then counts late records', () => {
    const w = createTumblingWindows(60, () => ({ n: 0 }));
    w.at(125)!.n++;
    w.at(10)!.n++;
    w.at(70)!.n++;
    const closed: [number, number][] = [];
    w.closeUpTo(121, (start, _end, s) => closed.push([start, s.n]));
    expect(closed).toEqual([
      [0, 1],
      [60, 1],
    ]);
    expect(w.at(30)).toBeNull();
    expect(w.late).toBe(1);
    expect(w.at(121)!.n).toBe(1); // the open window 120-180 kept its state
  });
});
