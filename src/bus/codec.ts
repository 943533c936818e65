// The bus message: a slice of a FlowBatch (about 100 rows), coverage gaps and log events, or the
// end-of-input marker, in one binary payload. Layout: u32 header length, the JSON header (row
// count, string columns as dictionary + codes, gaps, events), padding to 8 bytes, then the numeric
// columns' bytes in NUMERIC_COLUMNS order (widest first, so every column stays aligned).

import {
  FLOW_INT_EXTRAS,
  FLOW_TEXT_EXTRAS,
  createFlowBatch,
  type CoverageGap,
  type FlowBatch,
} from '../core/flow.ts';
import type { LogEvent } from '../core/records.ts';

export type BusMessage =
  | { kind: 'records'; flows: FlowBatch | null; gaps: CoverageGap[]; events: LogEvent[] }
  /** No more input: workers close every window (an import's end; live nodes never send it). */
  | { kind: 'end' };

type Numeric = Float64Array | Uint32Array | Int32Array | Int16Array | Uint8Array;
type Ctor = { new (buffer: ArrayBuffer, offset: number, length: number): Numeric; BYTES_PER_ELEMENT: number };

const NUMERIC_COLUMNS: readonly { get: (b: FlowBatch) => Numeric; ctor: Ctor }[] = [
  { get: (b) => b.start, ctor: Float64Array },
  { get: (b) => b.end, ctor: Float64Array },
  { get: (b) => b.packets, ctor: Float64Array },
  { get: (b) => b.bytes, ctor: Float64Array },
  { get: (b) => b.srcIp4, ctor: Uint32Array },
  { get: (b) => b.dstIp4, ctor: Uint32Array },
  { get: (b) => b.srcPort, ctor: Int32Array },
  { get: (b) => b.dstPort, ctor: Int32Array },
  ...FLOW_INT_EXTRAS.map((name) => ({ get: (b: FlowBatch) => b.ints[name], ctor: Int32Array as Ctor })),
  { get: (b) => b.proto, ctor: Int16Array },
  { get: (b) => b.tcpFlags, ctor: Int16Array },
  { get: (b) => b.action, ctor: Uint8Array },
  { get: (b) => b.direction, ctor: Uint8Array },
];

const STRING_COLUMNS: readonly { name: string; get: (b: FlowBatch) => (string | null)[] }[] = [
  { name: 'srcIp6', get: (b) => b.srcIp6 },
  { name: 'dstIp6', get: (b) => b.dstIp6 },
  { name: 'resource', get: (b) => b.resource },
  { name: 'source', get: (b) => b.source },
  ...FLOW_TEXT_EXTRAS.map((name) => ({ name: `text.${name}`, get: (b: FlowBatch) => b.text[name] })),
];

/** A string column: dictionary and one code per row (-1 = null); absent when all null. */
type WireStrings = [string[], number[]];

interface Header {
  kind: BusMessage['kind'];
  rows: number;
  strings: Record<string, WireStrings>;
  gaps: CoverageGap[];
  events: LogEvent[];
}

function encodeStrings(col: readonly (string | null)[], from: number, n: number): WireStrings | null {
  const dict: string[] = [];
  const codes = new Map<string, number>();
  const index: number[] = new Array<number>(n).fill(-1);
  let any = false;
  for (let i = 0; i < n; i++) {
    const v = col[from + i] ?? null;
    if (v === null) continue;
    any = true;
    let c = codes.get(v);
    if (c === undefined) {
      c = dict.length;
      dict.push(v);
      codes.set(v, c);
    }
    index[i] = c;
  }
  return any ? [dict, index] : null;
}

/** Encodes rows [from, from + n) of `flows` (or none) with gaps and events. */
export function encodeRecords(
  flows: FlowBatch | null,
  from: number,
  n: number,
  gaps: readonly CoverageGap[] = [],
  events: readonly LogEvent[] = [],
): Uint8Array {
  const rows = flows === null ? 0 : n;
  const strings: Record<string, WireStrings> = {};
  if (flows !== null) {
    for (const c of STRING_COLUMNS) {
      const s = encodeStrings(c.get(flows), from, rows);
      if (s !== null) strings[c.name] = s;
    }
  }
  const header: Header = { kind: 'records', rows, strings, gaps: [...gaps], events: [...events] };
  return pack(header, flows, from, rows);
}

export function encodeEnd(): Uint8Array {
  return pack({ kind: 'end', rows: 0, strings: {}, gaps: [], events: [] }, null, 0, 0);
}

function pack(header: Header, flows: FlowBatch | null, from: number, rows: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = Math.ceil((4 + json.length) / 8) * 8;
  const bytes = NUMERIC_COLUMNS.reduce((sum, c) => sum + c.ctor.BYTES_PER_ELEMENT * rows, 0);
  const out = new Uint8Array(start + bytes);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  let offset = start;
  if (flows !== null) {
    for (const c of NUMERIC_COLUMNS) {
      const a = c.get(flows);
      const size = c.ctor.BYTES_PER_ELEMENT;
      out.set(new Uint8Array(a.buffer, a.byteOffset + from * size, rows * size), offset);
      offset += rows * size;
    }
  }
  return out;
}

export function decodeMessage(data: Uint8Array): BusMessage {
  // One copy into a fresh, aligned buffer: the columns below are views on it.
  const buf = new Uint8Array(data.length);
  buf.set(data);
  const jsonLength = new DataView(buf.buffer).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(buf.subarray(4, 4 + jsonLength))) as Header;
  if (header.kind === 'end') return { kind: 'end' };
  const rows = header.rows;
  let flows: FlowBatch | null = null;
  if (rows > 0) {
    const b = createFlowBatch(rows);
    let offset = Math.ceil((4 + jsonLength) / 8) * 8;
    for (const c of NUMERIC_COLUMNS) {
      c.get(b).set(new c.ctor(buf.buffer, offset, rows));
      offset += rows * c.ctor.BYTES_PER_ELEMENT;
    }
    for (const c of STRING_COLUMNS) {
      const s = header.strings[c.name];
      if (s === undefined) continue;
      const col = c.get(b);
      const [dict, index] = s;
      for (let i = 0; i < rows; i++) {
        const code = index[i]!;
        if (code >= 0) col[i] = dict[code]!;
      }
    }
    b.length = rows;
    flows = b;
  }
  // JSON has no NaN: an unknown gap end travels as null.
  const gaps = header.gaps.map((g) => ({ ...g, end: g.end ?? NaN }));
  return { kind: 'records', flows, gaps, events: header.events };
}
