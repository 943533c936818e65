// A count-min sketch: approximate per-key sums in fixed memory. Detectors use it as a gate so
// that only keys that could reach a threshold get exact state (a million one-packet sources
// cost nothing beyond the sketch). Estimates are never below the true sum.

export interface CountMin {
  /** Adds v to the key's sum and returns the new estimate. */
  add(key: number, v: number): number;
  estimate(key: number): number;
  /** Zeroes every cell, for reuse by the next window. */
  clear(): void;
  readonly bytes: number;
}

export function createCountMin(widthLog2 = 16, depth = 2): CountMin {
  const width = 1 << widthLog2;
  const mask = width - 1;
  const cells = new Float32Array(width * depth);
  const index = (key: number, row: number): number => {
    let h = ((key | 0) ^ Math.floor(key / 4294967296)) + Math.imul(row + 1, 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return row * width + ((h ^ (h >>> 16)) & mask);
  };
  return {
    add(key, v) {
      let min = Infinity;
      for (let r = 0; r < depth; r++) {
        const i = index(key, r);
        const x = (cells[i] = cells[i]! + v);
        if (x < min) min = x;
      }
      return min;
    },
    estimate(key) {
      let min = Infinity;
      for (let r = 0; r < depth; r++) min = Math.min(min, cells[index(key, r)]!);
      return min;
    },
    clear() {
      cells.fill(0);
    },
    bytes: cells.byteLength,
  };
}
