// File uploads into a running `serve` (POST /api/v1/ingest/uploads...): while the server holds
// the store, `sakura-guard ingest PATH...` opens an upload, streams each file's bytes (plain or
// gzip, as on disk) and finishes it. The bytes go through the same import path as a local
// import: content sniffing and the format's parser (sources/files.ts), the import loop into the
// server's store (ingest/ingest.ts), the quarantine with the file's name and line, and one
// detection pipeline per upload in batch mode (as `ingest` runs it, so an attack spread over
// several files of one command is seen whole), storing findings in the server's finding store
// and telling the alert router and the live stream. A body is never held whole: it is parsed as
// it arrives and refused with 413 past `maxUploadBytes`. An upload left open is finished after
// UPLOAD_IDLE_MS without a request.

import { randomBytes } from 'node:crypto';
import { loadAssets } from '../assets/load.ts';
import { ApiError } from '../api/errors.ts';
import type { Principal, ServerDeps } from '../api/route.ts';
import { openQuarantine, type Quarantine } from '../core/quarantine.ts';
import { createDetectionPipeline, type DetectionPipeline } from '../engine/pipeline.ts';
import { type IngestCounts, runIngest } from '../ingest/ingest.ts';
import { loadIntel } from '../intel/store.ts';
import { withRulesSection } from '../rules/config.ts';
import { openStreamInput } from '../sources/files.ts';

/** An upload without a request for this long is finished (its findings kept, its state dropped). */
export const UPLOAD_IDLE_MS = 15 * 60_000;
/** Uploads open at once per server. */
export const MAX_OPEN_UPLOADS = 16;

export interface UploadOptions {
  lineFormat?: string;
  vpcFormat?: string;
  detect: boolean;
}

export interface UploadResult {
  rejectedByReason: Record<string, number>;
  quarantineFile: string | null;
  findings: { new: number; updated: number } | null;
}

interface Upload {
  id: string;
  /** Who opened it: only they may send files to it. */
  owner: string;
  options: UploadOptions;
  pipeline: DetectionPipeline | null;
  quarantine: Quarantine;
  busy: boolean;
  lastUsedMs: number;
}

const uploadsByServer = new WeakMap<ServerDeps, Map<string, Upload>>();

function uploadsOf(deps: ServerDeps): Map<string, Upload> {
  let m = uploadsByServer.get(deps);
  if (!m) uploadsByServer.set(deps, (m = new Map()));
  return m;
}

/** Uploads open on this server (not finished yet). */
export const openUploadCount = (deps: ServerDeps): number => uploadsOf(deps).size;

const ownerOf = (p: Principal | null): string =>
  p ? `${p.user}|${p.tokenId ?? p.sessionDigest ?? ''}` : '-';

/**
 * Passes the bytes through up to `max`, then reads the rest without passing it on and fails with
 * 413 (reading to the end lets the client receive the answer instead of a reset connection).
 */
export async function* bounded(bytes: AsyncIterable<Buffer>, max: number): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const chunk of bytes) {
    seen += chunk.length;
    if (seen <= max) yield chunk;
  }
  if (seen > max) throw tooLarge(max);
}

export function tooLarge(max: number): ApiError {
  return new ApiError(
    413,
    `the upload is larger than ${max} bytes`,
    'split the file, or raise inputs.http.maxUploadBytes in the server configuration',
  );
}

async function finish(deps: ServerDeps, u: Upload): Promise<UploadResult> {
  uploadsOf(deps).delete(u.id);
  try {
    await deps.flows.flush();
    const r = u.pipeline ? await u.pipeline.finish() : null;
    const q = u.quarantine.summary();
    return {
      rejectedByReason: Object.fromEntries(q.byReason),
      quarantineFile: q.file,
      findings: r ? { new: r.findingsNew, updated: r.findingsUpdated } : null,
    };
  } finally {
    u.quarantine.close();
  }
}

/** Finishes uploads idle for longer than UPLOAD_IDLE_MS. */
async function sweep(deps: ServerDeps): Promise<void> {
  const now = deps.clock.now();
  for (const u of [...uploadsOf(deps).values()]) {
    if (u.busy || now - u.lastUsedMs <= UPLOAD_IDLE_MS) continue;
    // Its files are stored already; a failure here loses only findings still in open windows.
    await finish(deps, u).catch(() => deps.metrics.inc('sakura_guard_upload_errors_total'));
  }
}

/** Finishes every open upload (at shutdown): findings stored, quarantine files closed. */
export async function finishOpenUploads(deps: ServerDeps): Promise<void> {
  for (const u of [...uploadsOf(deps).values()])
    await finish(deps, u).catch(() => deps.metrics.inc('sakura_guard_upload_errors_total'));
}

export async function openUpload(
  deps: ServerDeps,
  principal: Principal | null,
  options: UploadOptions,
): Promise<{ id: string }> {
  await sweep(deps);
  const uploads = uploadsOf(deps);
  if (uploads.size >= MAX_OPEN_UPLOADS)
    throw new ApiError(429, `${MAX_OPEN_UPLOADS} uploads are open already`, 'retry when one has finished');
  const { config, dataDir, clock } = deps;
  const pipeline = options.detect
    ? createDetectionPipeline({
        config: withRulesSection(config.detection, config.rules),
        intel: await loadIntel(dataDir),
        assets: await loadAssets(dataDir),
        findingStore: deps.findings,
        clock,
        findingEvents: deps.findingEvents,
      })
    : null;
  const id = `upl-${randomBytes(8).toString('hex')}`;
  uploads.set(id, {
    id,
    owner: ownerOf(principal),
    options,
    pipeline,
    quarantine: openQuarantine(dataDir, clock.now()),
    busy: false,
    lastUsedMs: clock.now(),
  });
  return { id };
}

function take(deps: ServerDeps, id: string, principal: Principal | null): Upload {
  const u = uploadsOf(deps).get(id);
  if (!u || u.owner !== ownerOf(principal))
    throw new ApiError(404, `no open upload ${id}`, 'open one with POST /api/v1/ingest/uploads');
  if (u.busy) throw new ApiError(409, `upload ${id} is receiving a file`, 'send its files one at a time');
  u.busy = true;
  u.lastUsedMs = deps.clock.now();
  return u;
}

/** Imports one file of an open upload; its counts (the upload's totals come with `finishUpload`). */
export async function uploadFile(
  deps: ServerDeps,
  principal: Principal | null,
  id: string,
  name: string,
  bytes: AsyncIterable<Buffer>,
): Promise<IngestCounts> {
  const u = take(deps, id, principal);
  try {
    const inputs = openStreamInput(name, bounded(bytes, deps.config.inputs.http.maxUploadBytes), {
      ...(u.options.vpcFormat === undefined ? {} : { format: u.options.vpcFormat }),
      ...(u.options.lineFormat === undefined ? {} : { lineFormat: u.options.lineFormat }),
    });
    const counts = await runIngest(inputs, {
      sink: deps.flows,
      quarantine: u.quarantine,
      observers: u.pipeline ? [u.pipeline] : [],
      clock: deps.clock,
    });
    await deps.flows.flush();
    deps.metrics.inc('sakura_guard_records_in_total', { source: 'upload' }, counts.flows + counts.events);
    if (counts.rejected > 0)
      deps.metrics.inc('sakura_guard_records_quarantined_total', { source: 'upload' }, counts.rejected);
    return counts;
  } finally {
    u.busy = false;
    u.lastUsedMs = deps.clock.now();
  }
}

/** Ends detection over the upload's files (findings stored) and closes its quarantine file. */
export async function finishUpload(
  deps: ServerDeps,
  principal: Principal | null,
  id: string,
): Promise<UploadResult> {
  return finish(deps, take(deps, id, principal));
}
