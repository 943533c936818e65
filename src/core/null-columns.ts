// Shared all-null text columns. A FlowBatch's text columns that a source never fills (most of the
// 27 text extras for any one format) all point at one frozen all-null array per capacity instead
// of a fresh one each; consumers that see such a column skip it without reading a row (the wire
// encoder sends nothing, the store writes one constant NULL). Only this module creates them, so
// membership means "all null" for certain; a write into one throws (frozen).

const byCapacity = new Map<number, (string | null)[]>();
const shared = new WeakSet<readonly (string | null)[]>();

/** The shared, frozen all-null column of `capacity` rows. */
export function sharedNullColumn(capacity: number): (string | null)[] {
  let col = byCapacity.get(capacity);
  if (col === undefined) {
    col = Object.freeze(new Array<string | null>(capacity).fill(null)) as (string | null)[];
    byCapacity.set(capacity, col);
    shared.add(col);
  }
  return col;
}

/** Whether `col` is a shared all-null column (true means every row is null). */
export function isSharedNullColumn(col: readonly (string | null)[]): boolean {
  return shared.has(col);
}
