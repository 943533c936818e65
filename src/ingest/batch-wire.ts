// FlowBatches, input events and errors in a form that crosses a worker_threads boundary cheaply.
// Typed-array columns travel as transferables (their ArrayBuffers move, no copy). String columns
// become a per-batch dictionary plus an Int32Array of indexes (-1 = null), or `null` when the
// column holds no value at all: the parser interns its strings, so dictionaries stay small, and
// most text extras are entirely null. Errors lose their class in a structured clone, so they are
// carried as plain data and rebuilt (a UserError comes back with its message, hint and exit code).

import { UserError, errorMessage } from '../core/errors.ts';
import {
  FLOW_INT_EXTRAS,
  FLOW_TEXT_EXTRAS,
  type FlowBatch,
  type FlowIntExtra,
  type FlowTextExtra,
} from '../core/flow.ts';
import { isSharedNullColumn, sharedNullColumn } from '../core/null-columns.ts';
import type { ParseOutput } from '../core/records.ts';
import type { InputEvent } from '../sources/files.ts';

/** A string column: dictionary + index per row (-1 = null); null when every row is null. */
export interface WireStrings {
  dict: string[];
  index: Int32Array;
}

export interface WireBatch {
  length: number;
  capacity: number;
  start: Float64Array;
  end: Float64Array;
  srcIp4: Uint32Array;
  dstIp4: Uint32Array;
  srcPort: Int32Array;
  dstPort: Int32Array;
  proto: Int16Array;
  packets: Float64Array;
  bytes: Float64Array;
  action: Uint8Array;
  tcpFlags: Int16Array;
  direction: Uint8Array;
  ints: Record<FlowIntExtra, Int32Array>;
  srcIp6: WireStrings | null;
  dstIp6: WireStrings | null;
  resource: WireStrings | null;
  source: WireStrings | null;
  text: Record<FlowTextExtra, WireStrings | null>;
}

export type WireEvent =
  | { kind: 'file-start'; file: string; sizeBytes: number }
  | {
      kind: 'output';
      file: string;
      output: Omit<ParseOutput, 'batches'> & { batches: WireBatch[] };
      bytesRead: number;
    }
  | { kind: 'file-end'; file: string; lines: number };

export interface WireError {
  user: boolean;
  name: string;
  message: string;
  stack: string | undefined;
  hint: string | undefined;
  exitCode: number | undefined;
  code: string | undefined;
  cause: WireError | undefined;
}

function encodeStrings(col: readonly (string | null)[], length: number): WireStrings | null {
  if (isSharedNullColumn(col)) return null;
  let first = 0;
  while (first < length && col[first] === null) first++;
  if (first === length) return null;
  const dict: string[] = [];
  const codes = new Map<string, number>();
  const index = new Int32Array(length).fill(-1);
  // Runs of the same (interned) string are common: compare with the previous value first.
  let last: string | null = null;
  let lastCode = -1;
  for (let i = first; i < length; i++) {
    const v = col[i] ?? null;
    if (v === null) continue;
    if (v !== last) {
      let code = codes.get(v);
      if (code === undefined) {
        code = dict.length;
        dict.push(v);
        codes.set(v, code);
      }
      last = v;
      lastCode = code;
    }
    index[i] = lastCode;
  }
  return { dict, index };
}

/** Encodes a batch; the buffers of its typed arrays are added to `transfer` (the batch is then unusable). */
export function encodeBatch(b: FlowBatch, transfer: Set<ArrayBuffer>): WireBatch {
  const n = b.length;
  const move = <T extends { buffer: ArrayBufferLike }>(a: T): T => {
    if (a.buffer instanceof ArrayBuffer) transfer.add(a.buffer);
    return a;
  };
  const strings = (col: readonly (string | null)[]): WireStrings | null => {
    const s = encodeStrings(col, n);
    if (s !== null) move(s.index);
    return s;
  };
  const ints = {} as Record<FlowIntExtra, Int32Array>;
  for (const name of FLOW_INT_EXTRAS) ints[name] = move(b.ints[name]);
  const text = {} as Record<FlowTextExtra, WireStrings | null>;
  for (const name of FLOW_TEXT_EXTRAS) text[name] = strings(b.text[name]);
  return {
    length: n,
    capacity: b.capacity,
    start: move(b.start),
    end: move(b.end),
    srcIp4: move(b.srcIp4),
    dstIp4: move(b.dstIp4),
    srcPort: move(b.srcPort),
    dstPort: move(b.dstPort),
    proto: move(b.proto),
    packets: move(b.packets),
    bytes: move(b.bytes),
    action: move(b.action),
    tcpFlags: move(b.tcpFlags),
    direction: move(b.direction),
    ints,
    srcIp6: strings(b.srcIp6),
    dstIp6: strings(b.dstIp6),
    resource: strings(b.resource),
    source: strings(b.source),
    text,
  };
}

function decodeStrings(s: WireStrings | null, length: number, capacity: number): (string | null)[] {
  const col = new Array<string | null>(capacity).fill(null);
  if (s === null) return col;
  const { dict, index } = s;
  for (let i = 0; i < length; i++) {
    const code = index[i]!;
    if (code >= 0) col[i] = dict[code]!;
  }
  return col;
}

export function decodeBatch(w: WireBatch): FlowBatch {
  const { length, capacity } = w;
  const text = {} as Record<FlowTextExtra, (string | null)[]>;
  for (const name of FLOW_TEXT_EXTRAS) {
    const s = w.text[name];
    text[name] = s === null ? sharedNullColumn(capacity) : decodeStrings(s, length, capacity);
  }
  return {
    length,
    capacity,
    start: w.start,
    end: w.end,
    srcIp4: w.srcIp4,
    dstIp4: w.dstIp4,
    srcIp6: decodeStrings(w.srcIp6, length, capacity),
    dstIp6: decodeStrings(w.dstIp6, length, capacity),
    srcPort: w.srcPort,
    dstPort: w.dstPort,
    proto: w.proto,
    packets: w.packets,
    bytes: w.bytes,
    action: w.action,
    tcpFlags: w.tcpFlags,
    direction: w.direction,
    resource: decodeStrings(w.resource, length, capacity),
    source: decodeStrings(w.source, length, capacity),
    text,
    ints: w.ints,
  };
}

export function encodeEvent(ev: InputEvent, transfer: Set<ArrayBuffer>): WireEvent {
  if (ev.kind !== 'output') return ev;
  const { batches, gaps, rejections, events } = ev.output;
  return {
    ...ev,
    output: {
      batches: batches.map((b) => encodeBatch(b, transfer)),
      gaps,
      rejections,
      ...(events === undefined ? {} : { events }),
    },
  };
}

export function decodeEvent(w: WireEvent): InputEvent {
  if (w.kind !== 'output') return w;
  const { batches, gaps, rejections, events } = w.output;
  return {
    ...w,
    output: {
      batches: batches.map(decodeBatch),
      gaps,
      rejections,
      ...(events === undefined ? {} : { events }),
    },
  };
}

function codeOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string'
    ? e.code
    : undefined;
}

export function encodeError(e: unknown, depth = 0): WireError {
  const err = e instanceof Error ? e : undefined;
  return {
    user: e instanceof UserError,
    name: err?.name ?? 'Error',
    message: errorMessage(e),
    stack: err?.stack,
    hint: e instanceof UserError ? e.hint : undefined,
    exitCode: e instanceof UserError ? e.exitCode : undefined,
    code: codeOf(e),
    cause: err?.cause !== undefined && depth < 3 ? encodeError(err.cause, depth + 1) : undefined,
  };
}

export function decodeError(w: WireError): Error {
  const cause = w.cause === undefined ? undefined : decodeError(w.cause);
  let e: Error;
  if (w.user) {
    e = new UserError(w.message, {
      ...(w.hint === undefined ? {} : { hint: w.hint }),
      ...(w.exitCode === undefined ? {} : { exitCode: w.exitCode }),
      cause,
    });
  } else {
    e = new Error(w.message, cause === undefined ? undefined : { cause });
    e.name = w.name;
    if (w.code !== undefined) Object.assign(e, { code: w.code });
  }
  if (w.stack !== undefined) e.stack = w.stack;
  return e;
}
