// Validity masks and text cells of a DuckDB data chunk, for the flow chunk writer (flow-chunks.ts).
//
// A validity mask is written only when the column has a NULL in the chunk: DuckDB's chunk reset
// marks every row valid again (so a reused chunk never carries a stale NULL), and an all-valid
// vector takes DuckDB's faster path. Text cells cost a native call each, so a column with one
// value across the chunk is a constant vector, a value is handed to DuckDB once per chunk and the
// cells that repeat it get a copy of its 16-byte string entry. Such an entry points at string
// bytes this chunk holds; the appender copies the bytes when it takes the chunk.

import bindings from '@duckdb/node-bindings';
import { isSharedNullColumn } from '../core/null-columns.ts';

export const NULL_VALUE = bindings.create_null_value();
/** Size of DuckDB's string_t: a VARCHAR vector's data is an array of these. */
const STRING_ENTRY_BYTES = 16;

/** One validity mask, reused column after column. */
export class ChunkValidity {
  private readonly mask: Uint32Array<ArrayBuffer>;
  /** Whether setNull() was called since the last reset(). */
  private anyNull = false;

  constructor(rows: number) {
    this.mask = new Uint32Array(Math.ceil(rows / 64) * 2).fill(0xffffffff);
  }

  reset(): void {
    if (this.anyNull) this.mask.fill(0xffffffff);
    this.anyNull = false;
  }

  setNull(row: number): void {
    this.mask[row >>> 5]! &= ~(1 << (row & 31));
    this.anyNull = true;
  }

  /** Writes the mask of `n` rows into `v` when some row is NULL; a reset chunk has every row valid. */
  write(v: bindings.Vector, n: number): void {
    if (!this.anyNull) return;
    bindings.vector_ensure_validity_writable(v);
    bindings.copy_data_to_vector_validity(v, 0, this.mask.buffer, 0, Math.ceil(n / 64) * 8);
  }
}

/** Writes text columns into VARCHAR vectors. */
export class TextCells {
  private readonly validity: ChunkValidity;
  /** The first row of each value in the column, and each row's first row (-1 = NULL). */
  private readonly firstRow = new Map<string, number>();
  private readonly rowOf: Int32Array;
  /** String entries (16 bytes = 4 words per row) of one column. */
  private readonly entries: Uint32Array<ArrayBuffer>;

  constructor(rows: number, validity: ChunkValidity) {
    this.validity = validity;
    this.rowOf = new Int32Array(rows);
    this.entries = new Uint32Array(rows * 4);
  }

  /**
   * Rows [offset, offset + n) of `src` into `v`, null = NULL. A column that holds one value (or
   * only NULLs) across the chunk, the usual case for source, account and IPv6 columns, becomes a
   * constant vector. True when the column was written cell by cell with no NULL, so that its
   * entries may be copied (copyStringEntries).
   */
  write(v: bindings.Vector, src: readonly (string | null)[], offset: number, n: number): boolean {
    if (isSharedNullColumn(src)) {
      bindings.vector_reference_value(v, NULL_VALUE);
      return false;
    }
    const first = src[offset] ?? null;
    let uniform = true;
    for (let i = 1; i < n; i++) {
      if ((src[offset + i] ?? null) !== first) {
        uniform = false;
        break;
      }
    }
    if (uniform) {
      bindings.vector_reference_value(v, first === null ? NULL_VALUE : bindings.create_varchar(first));
      return false;
    }
    const validity = this.validity;
    validity.reset();
    const firstRow = this.firstRow;
    const rowOf = this.rowOf;
    firstRow.clear();
    let nulls = 0;
    for (let i = 0; i < n; i++) {
      const s = src[offset + i];
      if (s == null) {
        validity.setNull(i);
        rowOf[i] = -1;
        nulls++;
        continue;
      }
      const j = firstRow.get(s);
      if (j === undefined) {
        firstRow.set(s, i);
        bindings.vector_assign_string_element(v, i, s);
        rowOf[i] = i;
      } else {
        rowOf[i] = j;
      }
    }
    if (firstRow.size < n - nulls) this.repeat(v, n);
    validity.write(v, n);
    return nulls === 0;
  }

  /** Gives each cell that repeats an earlier value (rowOf[i] < i) that cell's string entry. */
  private repeat(v: bindings.Vector, n: number): void {
    const bytes = n * STRING_ENTRY_BYTES;
    const scratch = this.entries;
    // vector_get_data returns a copy of the entries written so far.
    new Uint8Array(scratch.buffer, 0, bytes).set(bindings.vector_get_data(v, bytes));
    const rowOf = this.rowOf;
    for (let i = 0; i < n; i++) {
      const j = rowOf[i]!;
      if (j < 0)
        scratch.fill(0, i * 4, i * 4 + 4); // NULL: an empty entry, not a stale pointer
      else if (j !== i) scratch.copyWithin(i * 4, j * 4, j * 4 + 4);
    }
    bindings.copy_data_to_vector(v, 0, scratch.buffer, 0, bytes);
  }
}

/**
 * Fills `to` with the first `n` cells of `from`, a VARCHAR vector of the same chunk that
 * TextCells.write filled cell by cell with no NULL: one copy of its entries instead of a native
 * call per row.
 */
export function copyStringEntries(from: bindings.Vector, to: bindings.Vector, n: number): void {
  const entries = bindings.vector_get_data(from, n * STRING_ENTRY_BYTES);
  bindings.copy_data_to_vector(to, 0, entries.buffer as ArrayBuffer, entries.byteOffset, entries.byteLength);
}

/** Whether rows [offset, offset + n) of two text columns hold the same values. */
export function sameCells(
  a: readonly (string | null)[],
  b: readonly (string | null)[],
  offset: number,
  n: number,
): boolean {
  if (a === b) return true;
  for (let i = offset; i < offset + n; i++) if (a[i] !== b[i]) return false;
  return true;
}
