// File inputs: expands paths (files, directories, `-`), sniffs each file's content (gzip ->
// gunzip and sniff again; Parquet; CloudWatch Logs payloads and exports; Zeek JSON; else text:
// VPC records or the line formats of log-flows.ts, flows and events) and yields parse results
// file by file. The consumer awaits between events, which
// is the back-pressure: nothing more is read until it asks. A file that cannot be read becomes a
// Rejection and the next file goes on.

import { createReadStream, statSync } from 'node:fs';
import { errorMessage } from '../core/errors.ts';
import { MAX_REJECTED_TEXT, type ParseOutput, type Rejection } from '../core/records.ts';
import { parseVpcFormat, type VpcLayout } from '../parsers/vpc/fields.ts';
import { VpcParser } from '../parsers/vpc/parser.ts';
import {
  decodeCloudWatchBase64,
  handleCloudWatchBase64,
  handleCloudWatchJsonLine,
  type CloudWatchContext,
} from './cloudwatch.ts';
import { parseParquetFile } from './parquet.ts';
import { expandInputPaths, inputName, s3WindowTime, type InputFile } from './paths.ts';
import { chooseLogFlowParser, firstLines, lineParserFor, type LineFlowParser } from './log-flows.ts';
import { sniffContent, SNIFF_BYTES } from './sniff.ts';
import { counted, gunzipped, peek, textLines, type ByteCounter } from './streams.ts';

export type InputEvent =
  | { kind: 'file-start'; file: string; sizeBytes: number }
  | { kind: 'output'; file: string; output: ParseOutput; bytesRead: number }
  | { kind: 'file-end'; file: string; lines: number };

export interface FlowInputOptions {
  /** The VPC flow log format for files without a header line (`${version} ${account-id} ...`). */
  format?: string;
  /** Value of the `source` column. Default `vpc`. */
  source?: string;
  /** Read every text input as this line format (log-flows.ts LINE_FORMATS) instead of sniffing it. */
  lineFormat?: string;
}

const READ_CHUNK = 1 << 20;
/** A pretty-printed JSON document or wrapped base64 payload is read into memory up to this size. */
const MAX_WHOLE_DOCUMENT = 256 << 20;
const MAX_GZIP_LAYERS = 3;

interface FileState {
  input: InputFile;
  name: string;
  counter: ByteCounter;
  lines: number;
  layout: VpcLayout | undefined;
  source: string;
  lineFormat: string | undefined;
}

/** Reads every input in order. Throws a UserError (before reading) for a missing path or bad format. */
export async function* openFlowInputs(
  paths: readonly string[],
  options: FlowInputOptions = {},
): AsyncGenerator<InputEvent> {
  const layout = options.format === undefined ? undefined : parseVpcFormat(options.format);
  const inputs = await expandInputPaths(paths);
  for (const input of inputs) {
    const name = inputName(input);
    const state: FileState = {
      input,
      name,
      counter: { bytes: 0 },
      lines: 0,
      layout,
      source: options.source ?? 'vpc',
      lineFormat: options.lineFormat,
    };
    const raw: AsyncIterable<Buffer> =
      input.kind === 'stdin' ? process.stdin : createReadStream(input.path, { highWaterMark: READ_CHUNK });
    yield* readInput(state, raw);
  }
}

/**
 * One input that arrives as a byte stream under a name (an upload to `serve`): sniffed and parsed
 * as a file given to `ingest` would be, rejections carrying `name` and the line. Parquet needs a
 * file on disk and is reported as unreadable.
 */
export async function* openStreamInput(
  name: string,
  bytes: AsyncIterable<Buffer>,
  options: FlowInputOptions = {},
): AsyncGenerator<InputEvent> {
  const state: FileState = {
    input: { kind: 'stdin' },
    name,
    counter: { bytes: 0 },
    lines: 0,
    layout: options.format === undefined ? undefined : parseVpcFormat(options.format),
    source: options.source ?? 'vpc',
    lineFormat: options.lineFormat,
  };
  yield* readInput(state, bytes);
}

async function* readInput(state: FileState, raw: AsyncIterable<Buffer>): AsyncGenerator<InputEvent> {
  const { input, name } = state;
  yield { kind: 'file-start', file: name, sizeBytes: input.kind === 'file' ? input.sizeBytes : 0 };
  try {
    yield* readContent(state, counted(raw, state.counter), 0);
  } catch (e) {
    if (!isReadError(e)) throw e; // a bug, not a bad file
    yield { kind: 'output', file: name, output: unreadable(state, e), bytesRead: state.counter.bytes };
  }
  yield { kind: 'file-end', file: name, lines: state.lines };
}

/** A file that cannot be read as a whole (thrown inside this module, reported as a Rejection). */
class UnreadableInput extends Error {}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string'
    ? e.code
    : undefined;
}

/** System and zlib errors carry a `code` (ENOENT, EACCES, EISDIR, Z_DATA_ERROR...). */
function isReadError(e: unknown): boolean {
  return e instanceof UnreadableInput || errorCode(e) !== undefined;
}

function unreadable(state: FileState, e: unknown): ParseOutput {
  const code = errorCode(e);
  const rejection: Rejection = {
    file: state.name,
    // the line where reading stopped (1: nothing could be read)
    line: state.lines + 1,
    reason: typeof code === 'string' && code.startsWith('Z_') ? 'unreadable:gzip' : 'unreadable',
    text: errorMessage(e).slice(0, MAX_REJECTED_TEXT),
  };
  return { batches: [], gaps: [], rejections: [rejection] };
}

async function* readContent(
  state: FileState,
  bytes: AsyncIterable<Buffer>,
  gzipLayers: number,
): AsyncGenerator<InputEvent> {
  const { head, stream } = await peek(bytes, SNIFF_BYTES);
  const kind = sniffContent(head);
  switch (kind) {
    case 'empty':
      return;
    case 'gzip':
      if (gzipLayers >= MAX_GZIP_LAYERS) throw new UnreadableInput('more than 3 nested gzip layers');
      return yield* readContent(state, gunzipped(stream), gzipLayers + 1);
    case 'parquet':
      return yield* readParquet(state, stream, gzipLayers);
    case 'cloudwatch-base64':
    case 'json':
      if (state.lineFormat !== undefined) return yield* readText(state, stream);
      if (kind === 'json') {
        const { head, stream: rest } = await peek(stream, SNIFF_LINES_BYTES);
        // Zeek's conn.log in JSON: its first record names `id.orig_h`.
        const first = head.toString('utf8').split('\n', 1)[0] ?? '';
        if (first.includes('"id.orig_h"')) return yield* readText(state, rest);
        return yield* readCloudWatch(state, rest, kind);
      }
      return yield* readCloudWatch(state, stream, kind);
    case 'text':
      return yield* readText(state, stream);
    default: {
      const never: never = kind;
      throw new Error(`unknown content kind ${String(never)}`);
    }
  }
}

function parserFor(state: FileState, layout: VpcLayout | undefined, detectHeader: boolean): VpcParser {
  const fallbackStart = state.input.kind === 'file' ? s3WindowTime(state.input.path) : undefined;
  return new VpcParser({
    file: state.name,
    source: state.source,
    detectHeader,
    ...(layout === undefined ? {} : { layout }),
    ...(fallbackStart === undefined ? {} : { fallbackStart }),
  });
}

/** Bytes looked at to tell VPC text from the other line formats. */
const SNIFF_LINES_BYTES = 8192;

function textParser(state: FileState, head: Buffer): LineFlowParser {
  const referenceMs = state.input.kind === 'file' ? mtimeMs(state.input.path) : Date.now();
  if (state.lineFormat !== undefined) {
    const forced = lineParserFor(state.lineFormat, state.name, referenceMs);
    if (forced === null) throw new Error(`unknown line format ${state.lineFormat}`);
    return forced;
  }
  const other =
    state.layout === undefined
      ? chooseLogFlowParser(firstLines(head, head.length < SNIFF_LINES_BYTES), state.name, referenceMs)
      : ({ kind: 'none' } as const);
  return other.kind === 'parser' ? other.parser : parserFor(state, state.layout, true);
}

async function* readText(state: FileState, stream: AsyncIterable<Buffer>): AsyncGenerator<InputEvent> {
  const { head, stream: rest } = await peek(stream, SNIFF_LINES_BYTES);
  const parser = textParser(state, head);
  let failure: { error: unknown } | null = null;
  try {
    for await (const chunk of rest) {
      const output = parser.push(chunk);
      state.lines = parser.lines;
      yield { kind: 'output', file: state.name, output, bytesRead: state.counter.bytes };
    }
  } catch (error) {
    failure = { error };
  }
  // What was parsed before a read error is kept; the error itself is reported by the caller.
  const output = failure === null || !(parser instanceof VpcParser) ? parser.end() : parser.abort();
  state.lines = parser.lines;
  yield { kind: 'output', file: state.name, output, bytesRead: state.counter.bytes };
  if (failure !== null) throw failure.error;
}

function mtimeMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Date.now();
  }
}

async function* readParquet(
  state: FileState,
  stream: AsyncIterable<Buffer>,
  gzipLayers: number,
): AsyncGenerator<InputEvent> {
  if (state.input.kind === 'stdin' || gzipLayers > 0) {
    throw new UnreadableInput(
      'Parquet can only be read from a plain file (not standard input, an upload or inside gzip)',
    );
  }
  // DuckDB reads the file itself; stop our own read stream.
  await stream[Symbol.asyncIterator]().return?.();
  const path = state.input.path;
  const size = state.input.sizeBytes;
  try {
    for await (const step of parseParquetFile(path, (layout) => parserFor(state, layout, false))) {
      state.lines = step.rows;
      // DuckDB does not tell how far into the file it is; the whole size counts once it is done.
      if (step.done) state.counter.bytes = size;
      yield { kind: 'output', file: state.name, output: step.output, bytesRead: state.counter.bytes };
    }
  } catch (e) {
    if (isReadError(e)) throw e;
    throw new UnreadableInput(`Parquet: ${errorMessage(e)}`, { cause: e });
  }
}

async function* readCloudWatch(
  state: FileState,
  stream: AsyncIterable<Buffer>,
  kind: 'cloudwatch-base64' | 'json',
): AsyncGenerator<InputEvent> {
  // CloudWatch records carry no header; the user's format or the default v2 layout applies.
  const parser = parserFor(state, state.layout, false);
  const ctx: CloudWatchContext = { parser, file: state.name, rejections: [] };
  const take = (): InputEvent & { kind: 'output' } => {
    const out = parser.drain();
    out.rejections.push(...ctx.rejections);
    ctx.rejections.length = 0;
    return { kind: 'output', file: state.name, output: out, bytesRead: state.counter.bytes };
  };
  const lines: string[] = [];
  let held = 0;
  let lineNo = 0;
  let whole = false;
  let decided = false; // whether the first non-blank line was a whole record
  let firstLine = 1;
  for await (const text of textLines(stream)) {
    lineNo++;
    state.lines = lineNo;
    const line = text.trim();
    if (whole || (!decided && line !== '' && !startsRecord(line, kind))) {
      // A pretty-printed JSON document or base64 wrapped over lines: read it whole.
      if (!whole) firstLine = lineNo;
      whole = true;
      held += line.length;
      if (held > MAX_WHOLE_DOCUMENT) throw new UnreadableInput('CloudWatch document larger than 256 MiB');
      lines.push(line);
      continue;
    }
    if (line === '') continue;
    decided = true;
    if (kind === 'cloudwatch-base64') handleCloudWatchBase64(ctx, line, lineNo);
    else handleCloudWatchJsonLine(ctx, line, lineNo);
    if (lineNo % 1000 === 0) yield take();
  }
  if (whole) {
    const joined = lines.join(kind === 'json' ? '\n' : '');
    if (startsRecord(joined, kind)) {
      if (kind === 'cloudwatch-base64') handleCloudWatchBase64(ctx, joined, firstLine);
      else handleCloudWatchJsonLine(ctx, joined, firstLine);
    } else {
      // Not one document either: a broken first record. Read line by line so the rest still loads.
      lines.forEach((line, i) => {
        if (line === '') return;
        if (kind === 'cloudwatch-base64') handleCloudWatchBase64(ctx, line, firstLine + i);
        else handleCloudWatchJsonLine(ctx, line, firstLine + i);
      });
    }
  }
  const last = take();
  const end = parser.end();
  last.output.batches.push(...end.batches);
  last.output.gaps.push(...end.gaps);
  last.output.rejections.push(...end.rejections);
  yield last;
}

/** Whether the first line holds a whole record (a JSON value, or a complete base64 payload). */
function startsRecord(line: string, kind: 'cloudwatch-base64' | 'json'): boolean {
  try {
    if (kind === 'json') JSON.parse(line);
    else decodeCloudWatchBase64(line);
    return true;
  } catch {
    return false;
  }
}
