// A hash table from numeric keys to rows of numeric columns, in typed arrays: no object per
// key, about (8 + 8 * columns) * 1.5 + 8 bytes per entry. Detectors keep their per-key state
// here so that a million distinct remote addresses cost megabytes, not gigabytes.

const EMPTY = -1;

export interface NumTable {
  readonly size: number;
  /** Row of the key, or -1. */
  find(key: number): number;
  /** Row of the key, created (columns zero) when absent; -1 when the table is at its cap. */
  add(key: number): number;
  key(row: number): number;
  get(row: number, col: number): number;
  set(row: number, col: number, value: number): void;
  /** Adds to a column and returns the new value. */
  inc(row: number, col: number, by?: number): number;
  /** Approximate bytes held. */
  bytes(): number;
}

export function createNumTable(columns: number, maxRows: number, initialRows = 1024): NumTable {
  // A power of two, so that `& mask` reaches every slot.
  let capacity = 16;
  while (capacity < initialRows) capacity *= 2;
  let slots = new Int32Array(capacity * 2).fill(EMPTY); // open addressing, load <= 0.5
  let keys = new Float64Array(capacity);
  let data = new Float64Array(capacity * columns);
  let size = 0;
  let mask = slots.length - 1;

  const hash = (k: number): number => {
    let h = (k | 0) ^ Math.floor(k / 4294967296);
    h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
    h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
    return (h ^ (h >>> 16)) >>> 0;
  };

  function grow(): void {
    const nextCap = capacity * 2;
    const nk = new Float64Array(nextCap);
    nk.set(keys);
    const nd = new Float64Array(nextCap * columns);
    nd.set(data);
    keys = nk;
    data = nd;
    capacity = nextCap;
    slots = new Int32Array(nextCap * 2).fill(EMPTY);
    mask = slots.length - 1;
    for (let r = 0; r < size; r++) {
      let s = hash(keys[r]!) & mask;
      while (slots[s] !== EMPTY) s = (s + 1) & mask;
      slots[s] = r;
    }
  }

  function find(key: number): number {
    let s = hash(key) & mask;
    for (;;) {
      const r = slots[s]!;
      if (r === EMPTY) return -1;
      if (keys[r] === key) return r;
      s = (s + 1) & mask;
    }
  }

  return {
    get size() {
      return size;
    },
    find,
    add(key) {
      let s = hash(key) & mask;
      for (;;) {
        const r = slots[s]!;
        if (r === EMPTY) break;
        if (keys[r] === key) return r;
        s = (s + 1) & mask;
      }
      if (size >= maxRows) return -1;
      if (size >= capacity) {
        grow();
        s = hash(key) & mask;
        while (slots[s] !== EMPTY) s = (s + 1) & mask;
      }
      const row = size++;
      slots[s] = row;
      keys[row] = key;
      return row;
    },
    key: (row) => keys[row]!,
    get: (row, col) => data[row * columns + col]!,
    set(row, col, value) {
      data[row * columns + col] = value;
    },
    inc(row, col, by = 1) {
      return (data[row * columns + col] = data[row * columns + col]! + by);
    },
    bytes: () => slots.byteLength + keys.byteLength + data.byteLength,
  };
}
