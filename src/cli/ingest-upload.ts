// `ingest PATH...` while `serve` holds the store: the files are uploaded to the server, which
// imports them through the same path as a local import (server/upload.ts): one upload per
// command, each file's bytes streamed as they are on disk (gzip stays gzip), a progress line on
// stderr by bytes sent, and the same summary as a local import.

import { createReadStream } from 'node:fs';
import { systemClock } from '../core/clock.ts';
import { emptyIngestCounts, type IngestCounts } from '../ingest/ingest.ts';
import { isLineFormat } from '../sources/log-flows.ts';
import { expandInputPaths, inputName } from '../sources/paths.ts';
import { type CliContext, writeLine } from './context.ts';
import type { IngestOptions, IngestSummary } from './commands/ingest.ts';
import { createProgress } from './progress.ts';
import type { ServerClient } from './server-client.ts';

interface UploadResult {
  rejectedByReason: Record<string, number>;
  quarantineFile: string | null;
  findings: { new: number; updated: number } | null;
}

/** Passes the bytes through, counting them as they are read (that is, as they are sent). */
async function* counting(bytes: AsyncIterable<Buffer>, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of bytes) {
    onBytes(chunk.length);
    yield chunk;
  }
}

function add(total: IngestCounts, c: IngestCounts): void {
  total.files += c.files;
  total.bytesRead += c.bytesRead;
  total.lines += c.lines;
  total.flows += c.flows;
  total.events += c.events;
  total.rejected += c.rejected;
  total.gaps.nodata += c.gaps.nodata;
  total.gaps.skipdata += c.gaps.skipdata;
  total.gaps.sequence += c.gaps.sequence;
  if (c.firstTime !== null) total.firstTime = Math.min(total.firstTime ?? Infinity, c.firstTime);
  if (c.lastTime !== null) total.lastTime = Math.max(total.lastTime ?? -Infinity, c.lastTime);
}

export async function ingestThroughServer(
  ctx: CliContext,
  server: ServerClient,
  paths: string[],
  opts: IngestOptions,
): Promise<IngestSummary> {
  if (opts.config !== undefined)
    writeLine(
      ctx.stderr,
      `note: ${server.url} holds the store and detects with its own configuration; --config ${opts.config} is not used`,
    );
  const clock = systemClock;
  const started = clock.now();
  const files = await expandInputPaths(paths);
  const totalBytes = files.reduce((n, f) => n + (f.kind === 'file' ? f.sizeBytes : 0), 0);
  const { id } = await server.request<{ id: string }>('POST', '/api/v1/ingest/uploads', {
    detect: opts.detect,
    ...(isLineFormat(opts.format) ? { format: opts.format } : {}),
    ...(opts.vpcFormat === undefined ? {} : { vpcFormat: opts.vpcFormat }),
  });
  const total = emptyIngestCounts();
  const progress = createProgress(ctx.stderr, clock);
  let sent = 0;
  const finish = (): Promise<UploadResult> =>
    server.request<UploadResult>('POST', `/api/v1/ingest/uploads/${id}/finish`);
  try {
    for (const [i, file] of files.entries()) {
      const name = inputName(file);
      const raw: AsyncIterable<Buffer> =
        file.kind === 'stdin' ? process.stdin : createReadStream(file.path, { highWaterMark: 1 << 20 });
      const body = ReadableStream.from(
        counting(raw, (n) => {
          sent += n;
          progress.update({
            label: `upload to ${server.url}`,
            done: sent,
            total: totalBytes,
            records: total.flows + total.events,
            detail: `file ${i + 1}/${files.length}`,
          });
        }),
      );
      const r = await server.send(
        'POST',
        `/api/v1/ingest/uploads/${id}/files?${new URLSearchParams({ name }).toString()}`,
        {
          data: body,
          contentType: 'application/octet-stream',
          // a streamed body has no Content-Length: the size lets the server refuse a file too large at once
          ...(file.kind === 'file' ? { headers: { 'x-upload-size': String(file.sizeBytes) } } : {}),
        },
      );
      add(total, (await r.json()) as IngestCounts);
    }
  } catch (e) {
    // What was stored is detected on all the same; the upload is not left open on the server.
    progress.done();
    await finish().catch(() => undefined);
    throw e;
  }
  progress.done();
  const result = await finish();
  const elapsedMs = clock.now() - started;
  return {
    ...total,
    elapsedMs,
    dataDir: `${ctx.dataDir()} (through ${server.url})`,
    recordsPerSecond: Math.round((total.flows + total.events) / (Math.max(elapsedMs, 1) / 1000)),
    rejectedByReason: result.rejectedByReason,
    quarantineFile: result.quarantineFile,
    findings: result.findings,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}
