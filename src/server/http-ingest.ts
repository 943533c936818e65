// HTTP ingest for `serve` (POST /api/v1/ingest): a batch of log lines as Fluent Bit's `http`
// output and Vector's `http` sink send them (NDJSON or a JSON array of records, gzip or not) is
// turned into text lines, parsed as a small file would be (the format sniffed from its first
// lines, or forced with `?format=`), and handed to the sink. The sink stores flows and events,
// shows them to the live detection pipeline and answers only after the store's flush, so a 200
// means the batch is durable. At most `maxPendingRecords` records wait at once; a batch beyond
// that is refused (429 with Retry-After) before anything of it is stored.

import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import { errorMessage } from '../core/errors.ts';
import { openQuarantine, type Quarantine } from '../core/quarantine.ts';
import type { ParseOutput } from '../core/records.ts';
import type { DetectionPipeline } from '../engine/pipeline.ts';
import { chooseLogFlowParser, firstLines, lineParserFor, type LineFlowParser } from '../sources/log-flows.ts';
import { DuckDbFlowStore } from '../store/duckdb.ts';
import { createOnceAppender, type OnceAppender } from '../store/ingest-once.ts';
import type { FlowStore } from '../store/store.ts';

export const httpIngestConfigSchema = z
  .object({
    /** Largest batch after gunzip; a larger one is refused with 413. */
    maxBatchBytes: z
      .number()
      .int()
      .positive()
      .default(16 * 1024 * 1024),
    /** Records parsed and not yet stored, over every request; beyond it batches get 429. */
    maxPendingRecords: z.number().int().positive().default(200_000),
    /** Seconds a refused sender is told to wait (Retry-After). */
    retryAfterSeconds: z.number().int().positive().default(2),
    /** Largest file `ingest` may upload to a running server (bytes as sent); a larger one gets 413. */
    maxUploadBytes: z
      .number()
      .int()
      .positive()
      .default(4 * 1024 * 1024 * 1024),
  })
  .strict();
export type HttpIngestConfig = z.infer<typeof httpIngestConfigSchema>;

/** Record fields that hold the log line, in the order they are looked for. */
const LINE_FIELDS = ['log', 'message', 'msg', 'MESSAGE', 'line'] as const;

export class IngestBodyError extends Error {
  readonly status: number;
  readonly hint: string;
  constructor(status: number, message: string, hint: string) {
    super(message);
    this.status = status;
    this.hint = hint;
  }
}

/** The body as text: gunzipped when it is gzip (by header or by its magic bytes), bounded. */
export function bodyText(body: Buffer, contentEncoding: string | undefined, maxBytes: number): string {
  const gzip =
    /gzip/i.test(contentEncoding ?? '') || (body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b);
  if (!gzip) {
    if (body.length > maxBytes) throw tooLarge(maxBytes);
    return body.toString('utf8');
  }
  try {
    return gunzipSync(body, { maxOutputLength: maxBytes }).toString('utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxBytes);
    throw new IngestBodyError(
      400,
      `the body is not valid gzip: ${errorMessage(e)}`,
      'send gzip with Content-Encoding: gzip, or plain text',
    );
  }
}

function tooLarge(maxBytes: number): IngestBodyError {
  return new IngestBodyError(
    413,
    `the batch is larger than ${maxBytes} bytes (after gunzip)`,
    'send smaller batches (Fluent Bit: Buffer_Chunk_Size; Vector: batch.max_bytes)',
  );
}

/** The log line of one record: a string record, or the first of LINE_FIELDS that is a string. */
function lineOf(record: unknown): string | null {
  if (typeof record === 'string') return record;
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return null;
  const r = record as Record<string, unknown>;
  for (const f of LINE_FIELDS) if (typeof r[f] === 'string') return r[f];
  return null;
}

export interface BatchLines {
  lines: string[];
  /** Records that were not JSON, or held no log line: 1-based record number and reason. */
  bad: { record: number; reason: string; text: string }[];
}

/** Lines of a batch: NDJSON (one record a line) or one JSON array of records. */
export function batchLines(text: string): BatchLines {
  const out: BatchLines = { lines: [], bad: [] };
  const take = (record: unknown, n: number, raw: string): void => {
    const line = lineOf(record);
    if (line === null) out.bad.push({ record: n, reason: 'no-log-field', text: raw.slice(0, 4096) });
    else for (const l of line.replace(/\r?\n$/, '').split('\n')) out.lines.push(l);
  };
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let records: unknown;
    try {
      records = JSON.parse(trimmed);
    } catch (e) {
      throw new IngestBodyError(
        400,
        `the body is not a JSON array: ${errorMessage(e)}`,
        'send NDJSON or one JSON array',
      );
    }
    if (!Array.isArray(records))
      throw new IngestBodyError(400, 'the body is not a JSON array', 'send NDJSON or one JSON array');
    records.forEach((r, i) => take(r, i + 1, JSON.stringify(r) ?? ''));
    return out;
  }
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch {
      out.bad.push({ record: i + 1, reason: 'bad-json', text: raw.slice(0, 4096) });
      return;
    }
    take(record, i + 1, raw);
  });
  return out;
}

/** Parses the lines as a file of that format (sniffed when `format` is undefined). */
export function parseLines(
  lines: readonly string[],
  name: string,
  format: string | undefined,
  nowMs: number,
): ParseOutput {
  const bytes = Buffer.from(`${lines.join('\n')}\n`);
  let parser: LineFlowParser | null;
  if (format === undefined) {
    const choice = chooseLogFlowParser(
      firstLines(bytes.subarray(0, 8192), bytes.length <= 8192),
      name,
      nowMs,
    );
    parser = choice.kind === 'parser' ? choice.parser : lineParserFor('syslog', name, nowMs);
  } else {
    parser = lineParserFor(format, name, nowMs);
  }
  if (parser === null)
    throw new IngestBodyError(400, `unknown format ${JSON.stringify(format)}`, 'see docs/ingest-http.md');
  const a = parser.push(bytes);
  const b = parser.end();
  return {
    batches: [...a.batches, ...b.batches].filter((x) => x.length > 0),
    gaps: [...a.gaps, ...b.gaps],
    rejections: [...a.rejections, ...b.rejections],
    events: [...(a.events ?? []), ...(b.events ?? [])],
  };
}

/** An idempotency key (header `Idempotency-Key`) with the answer to record for it. */
export interface BatchKey {
  /** Who sent it (the token's user): keys of different senders never collide. */
  sender: string;
  key: string;
  /** The answer the sender gets, recorded with the key and given again to a retry. */
  answer: string;
}

/**
 * 'stored'; 'busy' (nothing stored) when the queue is full; or, for a key already stored, the
 * answer recorded with it (nothing stored again, nothing detected again).
 */
export type SubmitResult = 'stored' | 'busy' | { replayed: string };

export interface IngestSink {
  /** Stores and detects one parsed batch; with a key, exactly once (store/ingest-once.ts). */
  submit(output: ParseOutput, key?: BatchKey): Promise<SubmitResult>;
  readonly config: HttpIngestConfig;
  counters(): { batches: number; records: number; refused: number; replayed: number; pending: number };
  close(): void;
}

export interface IngestSinkDeps {
  config: HttpIngestConfig;
  flows: FlowStore;
  pipeline: DetectionPipeline;
  dataDir: string;
  clock: Clock;
}

export function createIngestSink(deps: IngestSinkDeps): IngestSink {
  let pending = 0;
  let chain: Promise<void> = Promise.resolve();
  let quarantine: Quarantine | null = null;
  const counters = { batches: 0, records: 0, refused: 0, replayed: 0 };
  const size = (o: ParseOutput): number =>
    o.batches.reduce((n, b) => n + b.length, 0) + (o.events?.length ?? 0) + o.gaps.length;

  // Where the store can wrap a batch in a transaction (the embedded DuckDB store), each batch is
  // one: a failed batch (a full disk) leaves nothing behind, and a keyed batch is stored exactly
  // once. Elsewhere (ClickHouse) a retried batch is stored again.
  const once = deps.flows instanceof DuckDbFlowStore ? createOnceAppender(deps.flows) : null;

  async function detect(o: ParseOutput): Promise<void> {
    for (const b of o.batches) await deps.pipeline.onFlows(b);
    if (o.gaps.length > 0) deps.pipeline.onGaps(o.gaps);
    for (const e of o.events ?? []) await deps.pipeline.onEvent(e);
    if (o.rejections.length > 0) {
      quarantine ??= openQuarantine(deps.dataDir, deps.clock.now());
      quarantine.add(o.rejections);
    }
  }

  async function storeOnce(
    o: ParseOutput,
    key: BatchKey | undefined,
    appender: OnceAppender,
  ): Promise<SubmitResult> {
    const rows = { batches: o.batches, gaps: o.gaps, events: o.events ?? [] };
    const r = await appender.append(
      key?.sender ?? '',
      key?.key ?? null,
      rows,
      key?.answer ?? '',
      deps.clock.now(),
    );
    if (!r.stored) return { replayed: r.answer };
    await detect(o);
    return 'stored';
  }

  async function store(o: ParseOutput): Promise<SubmitResult> {
    for (const b of o.batches) await deps.flows.appendFlows(b);
    if (o.gaps.length > 0) await deps.flows.appendGaps(o.gaps);
    const events = o.events ?? [];
    if (events.length > 0) await deps.flows.appendEvents(events);
    await detect(o);
    await deps.flows.flush();
    return 'stored';
  }

  return {
    config: deps.config,
    async submit(o, key) {
      const n = size(o);
      if (pending > 0 && pending + n > deps.config.maxPendingRecords) {
        counters.refused++;
        return 'busy';
      }
      pending += n;
      const run = chain.then(() => (once !== null ? storeOnce(o, key, once) : store(o)));
      chain = run.then(
        () => undefined,
        () => undefined,
      );
      let result: SubmitResult;
      try {
        result = await run;
      } finally {
        pending -= n;
      }
      if (result === 'stored') {
        counters.batches++;
        counters.records += n;
      } else counters.replayed++;
      return result;
    },
    counters: () => ({ ...counters, pending }),
    close: () => quarantine?.close(),
  };
}
