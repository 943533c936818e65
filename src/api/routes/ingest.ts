// POST /api/v1/ingest: log lines from shippers (Fluent Bit `http` output, Vector `http` sink) as
// NDJSON or a JSON array, gzip accepted (server/http-ingest.ts). Answered 200 once the batch is
// stored and flushed; 429 with Retry-After when the ingest queue is full; 503 when the server has
// no live pipeline. With an `Idempotency-Key` header a batch is stored exactly once: a retry of
// a stored batch gets the first answer again (store/ingest-once.ts). No audit entry per batch
// (shippers send many): the counters say what came in.
// POST /api/v1/ingest/upload: one whole file from `sakura-guard ingest` while `serve` holds the
// store (server/upload.ts); one audit entry per file.

import { z } from 'zod';
import { ApiError } from '../errors.ts';
import { batchLines, bodyText, IngestBodyError, parseLines } from '../../server/http-ingest.ts';
import { defineRoute, need, type ApiRoute } from '../route.ts';
import { LINE_FORMATS } from '../../sources/log-flows.ts';
import { isDiskFull } from '../../store/disk-full.ts';
import { finishUpload, openUpload, tooLarge, uploadFile } from '../../server/upload.ts';

const openUploadSchema = z
  .object({
    /** Forces a line format (as `ingest --format`); sniffed from each file's content when absent. */
    format: z.enum(LINE_FORMATS).optional(),
    /** VPC Flow Logs field list for files without a header line (as `ingest --vpc-format`). */
    vpcFormat: z.string().min(1).max(4096).optional(),
    /** false stores only (as `ingest --no-detect`). */
    detect: z.boolean().default(true),
  })
  .strict();
const fileQuerySchema = z
  .object({
    /** The client's file name: rejections in the quarantine and the audit entry carry it. */
    name: z.string().min(1).max(1024),
  })
  .strict();

const querySchema = z
  .object({
    /** Forces the line format (as `ingest --format`); sniffed from the first lines when absent. */
    format: z.enum(LINE_FORMATS).optional(),
  })
  .strict();

/** Printable ASCII, as the IETF Idempotency-Key draft's examples (UUIDs, hashes, sequence names). */
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/** The batch's idempotency key, or undefined when the header is absent; 400 when it is malformed. */
function idempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header === 'string' && KEY_PATTERN.test(header)) return header;
  throw new ApiError(
    400,
    'the Idempotency-Key header is malformed',
    'send one key of 1 to 200 printable ASCII characters (a UUID, or the spool file name) per batch',
  );
}

export const ingestRoutes: ApiRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/api/v1/ingest/uploads',
    summary: 'Open a file upload (`ingest` while `serve` holds the store): one detection run over its files',
    access: need('ingest'),
    body: openUploadSchema,
    status: 201,
    async handler({ body, deps, principal }) {
      return openUpload(deps, principal, {
        detect: body.detect,
        ...(body.format === undefined ? {} : { lineFormat: body.format }),
        ...(body.vpcFormat === undefined ? {} : { vpcFormat: body.vpcFormat }),
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/ingest/uploads/:id/files',
    summary:
      'Import one file of an open upload, sent as the body (plain or gzip, streamed): sniffed, stored, quarantined, detected',
    access: need('ingest'),
    query: fileQuerySchema,
    streamBody: true,
    async handler({ body, query, params, deps, audit, reply, principal }) {
      const stream = body as AsyncIterable<Buffer> | undefined;
      if (stream === undefined || typeof stream[Symbol.asyncIterator] !== 'function')
        throw new ApiError(400, 'the body is empty', 'send the file content as the request body');
      // The size the client declares (a streamed body has no Content-Length): refused before reading.
      const declared = reply.request.headers['content-length'] ?? reply.request.headers['x-upload-size'];
      const length = Number(declared);
      if (Number.isFinite(length) && length > deps.config.inputs.http.maxUploadBytes) {
        reply.request.raw.resume(); // drop what is sent, so the client reads the answer
        throw tooLarge(deps.config.inputs.http.maxUploadBytes);
      }
      const id = params['id'] ?? '';
      const counts = await uploadFile(deps, principal, id, query.name, stream).catch((e: unknown) => {
        reply.request.raw.resume(); // drop the rest of the body, so the client reads the answer
        throw e;
      });
      await audit('ingest.upload', query.name, {
        upload: id,
        bytes: counts.bytesRead,
        flows: counts.flows,
        events: counts.events,
        rejected: counts.rejected,
      });
      return counts;
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/ingest/uploads/:id/finish',
    summary: 'Finish an upload: detection over its files ends, findings are stored',
    access: need('ingest'),
    async handler({ params, deps, principal }) {
      return finishUpload(deps, principal, params['id'] ?? '');
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/ingest',
    summary: 'Store and detect a batch of log lines (NDJSON or a JSON array; gzip accepted)',
    access: need('ingest'),
    query: querySchema,
    rawBody: true,
    auditSelf: true,
    async handler({ body, query, deps, reply, principal }) {
      const sink = deps.ingest;
      if (sink === undefined) throw new ApiError(503, 'ingest is not running yet', 'retry in a moment');
      if (!Buffer.isBuffer(body)) throw new ApiError(400, 'the body is empty', 'send NDJSON records');
      try {
        const header = reply.request.headers['content-encoding'];
        const text = bodyText(
          body,
          typeof header === 'string' ? header : undefined,
          sink.config.maxBatchBytes,
        );
        const { lines, bad } = batchLines(text);
        const name = `http:${principal?.user ?? '-'}`;
        const output = parseLines(lines, name, query.format, deps.clock.now());
        for (const b of bad)
          output.rejections.push({ file: name, line: b.record, reason: b.reason, text: b.text });
        const flows = output.batches.reduce((n, x) => n + x.length, 0);
        const events = output.events?.length ?? 0;
        const answer = { lines: lines.length, flows, events, rejected: output.rejections.length };
        const key = idempotencyKey(reply.request.headers['idempotency-key']);
        const result = await sink.submit(
          output,
          key === undefined
            ? undefined
            : { sender: principal?.user ?? '-', key, answer: JSON.stringify(answer) },
        );
        if (typeof result === 'object') {
          deps.metrics.inc('sakura_guard_ingest_replayed_total');
          void reply.header('idempotent-replayed', 'true');
          return JSON.parse(result.replayed) as unknown;
        }
        if (result === 'busy') {
          deps.metrics.inc('sakura_guard_ingest_refused_total');
          void reply.header('retry-after', String(sink.config.retryAfterSeconds));
          throw new ApiError(
            429,
            'the ingest queue is full',
            `retry after ${sink.config.retryAfterSeconds} s`,
          );
        }
        deps.metrics.inc('sakura_guard_records_in_total', { source: 'http' }, flows + events);
        return answer;
      } catch (e) {
        if (e instanceof IngestBodyError) throw new ApiError(e.status, e.message, e.hint);
        if (isDiskFull(e)) {
          deps.metrics.inc('sakura_guard_ingest_refused_total');
          void reply.header('retry-after', String(sink.config.retryAfterSeconds * 15));
          throw new ApiError(
            503,
            'the data directory is full: the batch was not stored',
            'free space in the data directory (or lower retention.maxBytes), then retry the batch',
          );
        }
        throw e;
      }
    },
  }),
];
