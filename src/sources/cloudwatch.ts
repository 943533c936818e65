// CloudWatch Logs deliveries of VPC flow logs: a subscription payload (base64 of gzip of JSON, as
// Lambda and Kinesis receive it, or the decoded JSON with `logEvents`) and exported events
// (`{"timestamp": ms, "message": "..."}` per line). Each event's `message` is one VPC record; its
// timestamp is the record's start when the format has none, and the log stream (one per ENI,
// `eni-...-all`) gives the interface when the format has none. CONTROL_MESSAGEs are skipped.

import { gunzipSync } from 'node:zlib';
import { errorMessage } from '../core/errors.ts';
import { MAX_REJECTED_TEXT, type Rejection } from '../core/records.ts';
import type { VpcParser } from '../parsers/vpc/parser.ts';

export interface CloudWatchContext {
  parser: VpcParser;
  file: string;
  rejections: Rejection[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The interface id in a log stream name such as `eni-0abc123-all`, or undefined. */
export function interfaceFromStream(stream: unknown): string | undefined {
  if (typeof stream !== 'string') return undefined;
  return /^(eni-[0-9a-zA-Z]+)(?:-(?:all|accept|reject))?$/.exec(stream)?.[1];
}

function reject(ctx: CloudWatchContext, line: number, reason: string, text: string): void {
  ctx.rejections.push({ file: ctx.file, line, reason, text: text.slice(0, MAX_REJECTED_TEXT) });
}

function pushEvent(ctx: CloudWatchContext, event: unknown, stream: string | undefined, line: number): void {
  if (!isObject(event) || typeof event.message !== 'string') {
    reject(ctx, line, 'cloudwatch-event', JSON.stringify(event) ?? '');
    return;
  }
  const ts = typeof event.timestamp === 'number' ? event.timestamp / 1000 : undefined;
  const ownStream = typeof event.logStreamName === 'string' ? event.logStreamName : stream;
  ctx.parser.pushLine(event.message, {
    ...(ts === undefined ? {} : { fallbackStart: Math.floor(ts) }),
    ...(interfaceFromStream(ownStream) === undefined ? {} : { interfaceId: interfaceFromStream(ownStream)! }),
  });
}

/** Feeds one decoded JSON value (payload, Lambda event, exported event or list of them). */
export function handleCloudWatchValue(ctx: CloudWatchContext, value: unknown, line: number): void {
  if (Array.isArray(value)) {
    for (const v of value) handleCloudWatchValue(ctx, v, line);
    return;
  }
  if (!isObject(value)) return reject(ctx, line, 'cloudwatch-unrecognised', JSON.stringify(value) ?? '');
  const awslogs = value.awslogs;
  if (isObject(awslogs) && typeof awslogs.data === 'string') {
    return handleCloudWatchBase64(ctx, awslogs.data, line);
  }
  if (Array.isArray(value.logEvents)) {
    if (value.messageType === 'CONTROL_MESSAGE') return;
    const stream = typeof value.logStream === 'string' ? value.logStream : undefined;
    for (const ev of value.logEvents) pushEvent(ctx, ev, stream, line);
    return;
  }
  if (Array.isArray(value.events)) {
    // `aws logs filter-log-events` output
    for (const ev of value.events) pushEvent(ctx, ev, undefined, line);
    return;
  }
  if (typeof value.message === 'string') return pushEvent(ctx, value, undefined, line);
  reject(ctx, line, 'cloudwatch-unrecognised', JSON.stringify(value).slice(0, MAX_REJECTED_TEXT));
}

/** Decodes base64(gzip(JSON)); throws when the text is not such a payload. */
export function decodeCloudWatchBase64(text: string): unknown {
  const json = gunzipSync(Buffer.from(text.trim(), 'base64')).toString('utf8');
  return JSON.parse(json) as unknown;
}

export function handleCloudWatchBase64(ctx: CloudWatchContext, text: string, line: number): void {
  let value: unknown;
  try {
    value = decodeCloudWatchBase64(text);
  } catch (e) {
    return reject(ctx, line, 'cloudwatch-payload', `${errorMessage(e)}: ${text.slice(0, 200)}`);
  }
  handleCloudWatchValue(ctx, value, line);
}

/** One line of a JSON-lines file; a line that is not JSON becomes a `bad-json` rejection. */
export function handleCloudWatchJsonLine(ctx: CloudWatchContext, text: string, line: number): void {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    return reject(ctx, line, 'bad-json', `${errorMessage(e)}: ${text}`);
  }
  handleCloudWatchValue(ctx, value, line);
}
