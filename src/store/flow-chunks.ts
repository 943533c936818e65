// Writes a FlowBatch into DuckDB data chunks for the appender without creating a JS value per
// cell: fixed-width columns are copied straight from the batch's typed arrays (or from a scratch
// array) into the vector's memory, 64-bit values are written as lo/hi 32-bit halves (no BigInt),
// and text cells as chunk-cells.ts writes them (a native call per distinct value in the chunk,
// copied string entries for repeats). Validity masks are written only for columns with a NULL.
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
import { ChunkValidity, copyStringEntries, NULL_VALUE, sameCells, TextCells } from './chunk-cells.ts';
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

/** Row capacity of one DuckDB vector (2048 in standard builds). */
export const CHUNK_ROWS: number = bindings.vector_size();

/** Reusable scratch space and one data chunk: fill, hand to the appender, fill again. */
export class FlowChunkWriter {
  readonly chunk: DuckDBDataChunk;
  private readonly vectors: bindings.Vector[];
  private readonly words = new Uint32Array(CHUNK_ROWS * 2);
  private readonly i32 = new Int32Array(CHUNK_ROWS);
  private readonly validity = new ChunkValidity(CHUNK_ROWS);
  private readonly texts = new TextCells(CHUNK_ROWS, this.validity);
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
    const resource = this.vectors[this.col];
    const resourceFlat = this.text(b.resource, offset, n);
    this.text(b.source, offset, n);
    for (const name of HOT_INT_EXTRAS) this.int32(b.ints[name], offset, n);
    for (const name of HOT_TEXT_EXTRAS) {
      const col = b.text[name];
      // VPC rows observed by an interface have resource = interface_id: copy the cells.
      if (resource !== undefined && resourceFlat && sameCells(col, b.resource, offset, n)) {
        copyStringEntries(resource, this.next(), n);
      } else {
        this.text(col, offset, n);
      }
    }
    this.cold(b, offset, n);
    if (this.col !== FLOW_COLUMNS.length)
      throw new Error('flow chunk writer is out of step with FLOW_COLUMNS');
  }

  /** Text, null = NULL; true when written cell by cell with no NULL (see TextCells.write). */
  private text(src: readonly (string | null)[], offset: number, n: number): boolean {
    return this.texts.write(this.next(), src, offset, n);
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

  /** Epoch seconds as TIMESTAMP microseconds; NULL when not a storable time (see validTime). */
  private timestamps(src: Float64Array, offset: number, n: number): void {
    const v = this.next();
    const w = this.words;
    this.validity.reset();
    for (let i = 0; i < n; i++) {
      const s = src[offset + i]!;
      if (!validTime(s)) {
        this.validity.setNull(i);
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
    this.validity.write(v, n);
  }

  /** Non-negative whole counts as BIGINT; NaN, negative and values of 2^63 or more are NULL. */
  private int64(src: Float64Array, offset: number, n: number): void {
    const v = this.next();
    const w = this.words;
    this.validity.reset();
    for (let i = 0; i < n; i++) {
      const x = src[offset + i]!;
      if (!(x >= 0 && x < TWO_63)) {
        this.validity.setNull(i);
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
    this.validity.write(v, n);
  }

  /** IPv4 integers, NULL where the row is IPv6. */
  private ip4(src: Uint32Array, v6: readonly (string | null)[], offset: number, n: number): void {
    const v = this.next();
    this.validity.reset();
    for (let i = 0; i < n; i++) if (v6[offset + i] != null) this.validity.setNull(i);
    this.copy(v, src, offset * 4, n * 4);
    this.validity.write(v, n);
  }

  /** Int32 values, negative = NULL. */
  private int32(src: Int32Array, offset: number, n: number): void {
    const v = this.next();
    this.validity.reset();
    for (let i = 0; i < n; i++) if (src[offset + i]! < 0) this.validity.setNull(i);
    this.copy(v, src, offset * 4, n * 4);
    this.validity.write(v, n);
  }

  /** Int16 values widened to INTEGER, negative = NULL. */
  private int16(src: Int16Array, offset: number, n: number): void {
    const v = this.next();
    const out = this.i32;
    this.validity.reset();
    for (let i = 0; i < n; i++) {
      const x = src[offset + i]!;
      out[i] = x;
      if (x < 0) this.validity.setNull(i);
    }
    bindings.copy_data_to_vector(v, 0, out.buffer, 0, n * 4);
    this.validity.write(v, n);
  }

  /** Small codes, never NULL. */
  private uint8(src: Uint8Array, offset: number, n: number): void {
    const v = this.next();
    this.validity.reset();
    this.copy(v, src, offset, n);
    this.validity.write(v, n);
  }

  /**
   * The packed rarely-set fields: NULL when a row has none (the usual case, no string built),
   * else every field in COLD_FIELDS order joined by COLD_SEPARATOR.
   */
  private cold(b: FlowBatch, offset: number, n: number): void {
    const v = this.next();
    this.validity.reset();
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
      else this.validity.setNull(i);
    }
    this.validity.write(v, n);
  }
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
