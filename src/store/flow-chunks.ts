// Writes a FlowBatch into DuckDB data chunks for the appender without creating a JS value per
// cell: fixed-width columns are copied straight from the batch's typed arrays (or from a scratch
// array) into the vector's memory, 64-bit values are written as lo/hi 32-bit halves (no BigInt),
// and only text cells cost a call each. A column's validity mask is written only when the chunk
// has a NULL in it: DuckDB's chunk reset marks every row valid again (so a reused chunk never
// carries a stale NULL), and an all-valid vector takes DuckDB's faster path.
//
// This talks to `@duckdb/node-bindings` (the C API that `@duckdb/node-api` wraps, installed with
// it at the same version) because node-api's vector classes keep their buffers private.

import bindings from '@duckdb/node-bindings';
import {
  BIGINT,
  DuckDBDataChunk,
  INTEGER,
  TIMESTAMP,
  UINTEGER,
  UTINYINT,
  VARCHAR,
  type DuckDBType,
} from '@duckdb/node-api';
import type { FlowBatch } from '../core/flow.ts';
import { isSharedNullColumn } from '../core/null-columns.ts';
import {
  COLD_EMPTY,
  COLD_FIELDS,
  COLD_SEPARATOR,
  FLOW_COLUMNS,
  HOT_INT_EXTRAS,
  HOT_TEXT_EXTRAS,
  type ColdField,
  type PhysicalType,
} from './schema.ts';

const TWO_32 = 4294967296;
const TWO_63 = 2 ** 63;
/** Latest time we store: 9999-12-31T23:59:59Z. Beyond it (or before 1970) a time is not data. */
const MAX_TIME_S = 253_402_300_799;

/** A start/end time the store can hold exactly: finite, 1970-01-01 up to the year 9999. */
export function validTime(seconds: number): boolean {
  return seconds >= 0 && seconds <= MAX_TIME_S;
}

/**
 * The index of the first row whose start time cannot be stored, or -1. Checked before anything of
 * a batch is appended: `time` is NOT NULL, and a refused row inside the appender's buffer would
 * fail the rows buffered with it.
 */
export function firstInvalidStart(b: FlowBatch): number {
  for (let i = 0; i < b.length; i++) if (!validTime(b.start[i]!)) return i;
  return -1;
}

function duckType(t: PhysicalType): DuckDBType {
  switch (t) {
    case 'TIMESTAMP':
      return TIMESTAMP;
    case 'UINTEGER':
      return UINTEGER;
    case 'INTEGER':
      return INTEGER;
    case 'BIGINT':
      return BIGINT;
    case 'UTINYINT':
      return UTINYINT;
    case 'VARCHAR':
      return VARCHAR;
    default: {
      const never: never = t;
      throw new Error(`unhandled physical type ${String(never)}`);
    }
  }
}

const NULL_VALUE = bindings.create_null_value();
/** Size of DuckDB's string_t: a VARCHAR vector's data is an array of these. */
const STRING_ENTRY_BYTES = 16;

/** Row capacity of one DuckDB vector (2048 in standard builds). */
export const CHUNK_ROWS: number = bindings.vector_size();

/** Reusable scratch space and one data chunk: fill, hand to the appender, fill again. */
export class FlowChunkWriter {
  readonly chunk: DuckDBDataChunk;
  private readonly vectors: bindings.Vector[];
  private readonly words = new Uint32Array(CHUNK_ROWS * 2);
  private readonly i32 = new Int32Array(CHUNK_ROWS);
  /** Text cells: the first row of each value in the chunk, each row's first row (-1 = NULL). */
  private readonly firstRow = new Map<string, number>();
  private readonly rowOf = new Int32Array(CHUNK_ROWS);
  /** DuckDB string entries (16 bytes = 4 words per row) of one text column. */
  private readonly entries = new Uint32Array(CHUNK_ROWS * 4);
  private readonly validity = new Uint32Array(Math.ceil(CHUNK_ROWS / 64) * 2).fill(0xffffffff);
  private validityBytes = 0;
  /** Whether setNull() was called since the last resetValidity(). */
  private anyNull = false;
  private col = 0;

  constructor() {
    this.chunk = DuckDBDataChunk.create(FLOW_COLUMNS.map((c) => duckType(c.type)));
    this.vectors = FLOW_COLUMNS.map((_, i) => bindings.data_chunk_get_vector(this.chunk.chunk, i));
  }

  /** Fills the chunk with rows [offset, offset + n) of `b`; n must be at most CHUNK_ROWS. */
  fill(b: FlowBatch, offset: number, n: number): void {
    if (n > CHUNK_ROWS || n < 1) throw new Error(`chunk row count ${n} out of range`);
    this.chunk.reset();
    this.chunk.rowCount = n;
    this.validityBytes = Math.ceil(n / 64) * 8;
    this.col = 0;
    this.timestamps(b.start, offset, n);
    this.timestamps(b.end, offset, n);
    this.ip4(b.srcIp4, b.srcIp6, offset, n);
    this.ip4(b.dstIp4, b.dstIp6, offset, n);
    this.text(b.srcIp6, offset, n);
    this.text(b.dstIp6, offset, n);
    this.int32(b.srcPort, offset, n);
    this.int32(b.dstPort, offset, n);
    this.int16(b.proto, offset, n);
    this.int64(b.packets, offset, n);
    this.int64(b.bytes, offset, n);
    this.uint8(b.action, offset, n);
    this.int16(b.tcpFlags, offset, n);
    this.uint8(b.direction, offset, n);
    const resource = this.col;
    const resourceFlat = this.text(b.resource, offset, n);
    this.text(b.source, offset, n);
    for (const name of HOT_INT_EXTRAS) this.int32(b.ints[name], offset, n);
    for (const name of HOT_TEXT_EXTRAS) {
      const col = b.text[name];
      // VPC rows observed by an interface have resource = interface_id: copy the cells.
      if (resourceFlat && sameCells(col, b.resource, offset, n)) this.copyStrings(resource, n);
      else this.text(col, offset, n);
    }
    this.cold(b, offset, n);
    if (this.col !== FLOW_COLUMNS.length)
      throw new Error('flow chunk writer is out of step with FLOW_COLUMNS');
  }

  private next(): bindings.Vector {
    const v = this.vectors[this.col++];
    if (v === undefined) throw new Error('flow chunk writer wrote more columns than FLOW_COLUMNS');
    return v;
  }

  /** Copies bytes of a typed array into the vector (through scratch when it lives in shared memory). */
  private copy(
    v: bindings.Vector,
    src: Uint32Array | Int32Array | Uint8Array,
    byteStart: number,
    bytes: number,
  ): void {
    if (src.buffer instanceof ArrayBuffer) {
      bindings.copy_data_to_vector(v, 0, src.buffer, src.byteOffset + byteStart, bytes);
      return;
    }
    const scratch = new Uint8Array(this.words.buffer, 0, bytes);
    scratch.set(new Uint8Array(src.buffer, src.byteOffset + byteStart, bytes));
    bindings.copy_data_to_vector(v, 0, this.words.buffer, 0, bytes);
  }

  private resetValidity(): void {
    if (this.anyNull) this.validity.fill(0xffffffff);
    this.anyNull = false;
  }

  private setNull(row: number): void {
    this.validity[row >>> 5]! &= ~(1 << (row & 31));
    this.anyNull = true;
  }

  /** Writes the mask when some row is NULL; the reset chunk already has every row valid. */
  private writeValidity(v: bindings.Vector): void {
    if (!this.anyNull) return;
    bindings.vector_ensure_validity_writable(v);
    bindings.copy_data_to_vector_validity(v, 0, this.validity.buffer, 0, this.validityBytes);
  }

  /** Epoch seconds as TIMESTAMP microseconds; NULL when not a storable time (see validTime). */
  private timestamps(src: Float64Array, offset: number, n: number): void {
    const v = this.next();
    const w = this.words;
    this.resetValidity();
    for (let i = 0; i < n; i++) {
      const s = src[offset + i]!;
      if (!validTime(s)) {
        this.setNull(i);
        w[2 * i] = 0;
        w[2 * i + 1] = 0;
        continue;
      }
      const micros = Math.round(s * 1e6);
      const hi = Math.floor(micros / TWO_32);
      w[2 * i] = micros - hi * TWO_32;
      w[2 * i + 1] = hi;
    }
    bindings.copy_data_to_vector(v, 0, w.buffer, 0, n * 8);
    this.writeValidity(v);
  }

  /** Non-negative whole counts as BIGINT; NaN, negative and values of 2^63 or more are NULL. */
  private int64(src: Float64Array, offset: number, n: number): void {
    const v = this.next();
    const w = this.words;
    this.resetValidity();
    for (let i = 0; i < n; i++) {
      const x = src[offset + i]!;
      if (!(x >= 0 && x < TWO_63)) {
        this.setNull(i);
        w[2 * i] = 0;
        w[2 * i + 1] = 0;
        continue;
      }
      const t = Math.trunc(x);
      const hi = Math.floor(t / TWO_32);
      w[2 * i] = t - hi * TWO_32;
      w[2 * i + 1] = hi;
    }
    bindings.copy_data_to_vector(v, 0, w.buffer, 0, n * 8);
    this.writeValidity(v);
  }

  /** IPv4 integers, NULL where the row is IPv6. */
  private ip4(src: Uint32Array, v6: readonly (string | null)[], offset: number, n: number): void {
    const v = this.next();
    this.resetValidity();
    for (let i = 0; i < n; i++) if (v6[offset + i] != null) this.setNull(i);
    this.copy(v, src, offset * 4, n * 4);
    this.writeValidity(v);
  }

  /** Int32 values, negative = NULL. */
  private int32(src: Int32Array, offset: number, n: number): void {
    const v = this.next();
    this.resetValidity();
    for (let i = 0; i < n; i++) if (src[offset + i]! < 0) this.setNull(i);
    this.copy(v, src, offset * 4, n * 4);
    this.writeValidity(v);
  }

  /** Int16 values widened to INTEGER, negative = NULL. */
  private int16(src: Int16Array, offset: number, n: number): void {
    const v = this.next();
    const out = this.i32;
    this.resetValidity();
    for (let i = 0; i < n; i++) {
      const x = src[offset + i]!;
      out[i] = x;
      if (x < 0) this.setNull(i);
    }
    bindings.copy_data_to_vector(v, 0, out.buffer, 0, n * 4);
    this.writeValidity(v);
  }

  /** Small codes, never NULL. */
  private uint8(src: Uint8Array, offset: number, n: number): void {
    const v = this.next();
    this.resetValidity();
    this.copy(v, src, offset, n);
    this.writeValidity(v);
  }

  /**
   * Text, null = NULL. A column that holds one value (or only NULLs) across the chunk, which is
   * the usual case for resource, source, account and IPv6 columns, becomes a constant vector:
   * one native call instead of one per row, and less work in the appender. True when the column
   * was written cell by cell with no NULL (copyStrings can then reuse it).
   */
  private text(src: readonly (string | null)[], offset: number, n: number): boolean {
    const v = this.next();
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
    this.resetValidity();
    // Each cell's first row with the same value; a value is handed to DuckDB once per chunk.
    const firstRow = this.firstRow;
    const rowOf = this.rowOf;
    firstRow.clear();
    for (let i = 0; i < n; i++) {
      const s = src[offset + i];
      if (s == null) {
        this.setNull(i);
        rowOf[i] = -1;
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
    if (firstRow.size < n - (this.anyNull ? countNulls(rowOf, n) : 0)) this.repeatStrings(v, n);
    this.writeValidity(v);
    return !this.anyNull;
  }

  /**
   * Fills the cells that repeat an earlier value of the same column (rowOf[i] < i) with that
   * cell's 16-byte string entry, which points at the string bytes DuckDB already holds for this
   * chunk (the appender copies the bytes when it takes the chunk): one copy of the entries
   * instead of a native call, and a string conversion, per repeated cell.
   */
  private repeatStrings(v: bindings.Vector, n: number): void {
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

  /**
   * Fills the next column with the cells of column `from` of this chunk, which text() wrote cell by
   * cell with no NULL: its 16-byte string entries are copied, pointing at the same string bytes in
   * this chunk (the appender copies the bytes when it takes the chunk). One copy instead of a
   * native call per row.
   */
  private copyStrings(from: number, n: number): void {
    const v = this.next();
    const source = this.vectors[from];
    if (source === undefined) throw new Error(`flow chunk writer has no column ${from}`);
    const entries = bindings.vector_get_data(source, n * STRING_ENTRY_BYTES);
    bindings.copy_data_to_vector(
      v,
      0,
      entries.buffer as ArrayBuffer,
      entries.byteOffset,
      n * STRING_ENTRY_BYTES,
    );
  }

  /**
   * The packed rarely-set fields: NULL when a row has none (the usual case, no string built),
   * else every field in COLD_FIELDS order joined by COLD_SEPARATOR.
   */
  private cold(b: FlowBatch, offset: number, n: number): void {
    const v = this.next();
    this.resetValidity();
    const active = COLD_FIELDS.filter((f) => coldFieldUsed(b, f, offset, n));
    if (active.length === 0) {
      bindings.vector_reference_value(v, NULL_VALUE);
      return;
    }
    const parts = new Array<string>(COLD_FIELDS.length).fill('');
    for (let i = 0; i < n; i++) {
      const row = offset + i;
      let any = false;
      for (const f of active) {
        const text = coldValue(b, f, row);
        parts[f.position - 1] = text;
        if (text !== '') any = true;
      }
      if (any) bindings.vector_assign_string_element(v, i, parts.join(COLD_SEPARATOR));
      else this.setNull(i);
    }
    this.writeValidity(v);
  }
}

function countNulls(rowOf: Int32Array, n: number): number {
  let nulls = 0;
  for (let i = 0; i < n; i++) if (rowOf[i]! < 0) nulls++;
  return nulls;
}

/** Whether rows [offset, offset + n) of two text columns hold the same values. */
function sameCells(
  a: readonly (string | null)[],
  b: readonly (string | null)[],
  offset: number,
  n: number,
): boolean {
  if (a === b) return true;
  for (let i = offset; i < offset + n; i++) if (a[i] !== b[i]) return false;
  return true;
}

function coldFieldUsed(b: FlowBatch, f: ColdField, offset: number, n: number): boolean {
  if (f.kind === 'int') {
    const a = b.ints[f.name];
    for (let i = offset; i < offset + n; i++) if (a[i]! >= 0) return true;
    return false;
  }
  const a = b.text[f.name];
  if (isSharedNullColumn(a)) return false;
  for (let i = offset; i < offset + n; i++) if (a[i] != null) return true;
  return false;
}

/** Control characters used as separators cannot occur inside a value; they become U+FFFD. */

function coldValue(b: FlowBatch, f: ColdField, row: number): string {
  if (f.kind === 'int') {
    const x = b.ints[f.name][row]!;
    return x >= 0 ? String(x) : '';
  }
  const s = b.text[f.name][row];
  if (s == null) return '';
  if (s === '') return COLD_EMPTY;
  return s.includes(COLD_SEPARATOR) || s.includes(COLD_EMPTY)
    ? s.replaceAll(COLD_SEPARATOR, '\ufffd').replaceAll(COLD_EMPTY, '\ufffd')
    : s;
}
