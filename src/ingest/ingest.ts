// The import loop: inputs -> (store, detection, quarantine), with progress and a summary.
// It owns no format knowledge (sources/parsers do) and no storage knowledge (the store does).

import type { Clock } from '../core/clock.ts';
import type { CoverageGap, FlowBatch } from '../core/flow.ts';
import type { Quarantine } from '../core/quarantine.ts';
import type { LogEvent, ParseOutput } from '../core/records.ts';

/** What an input source yields, file by file (see sources/files.ts). */
export type IngestInputEvent =
  | { kind: 'file-start'; file: string; sizeBytes: number }
  | { kind: 'output'; file: string; output: ParseOutput; bytesRead: number }
  | { kind: 'file-end'; file: string; lines: number };

export interface FlowSink {
  appendFlows(batch: FlowBatch): Promise<void>;
  appendGaps(gaps: readonly CoverageGap[]): Promise<void>;
  appendEvents(events: readonly LogEvent[]): Promise<void>;
}

/** Detection as seen from the import loop. */
export interface FlowObserver {
  onFlows(batch: FlowBatch): void | Promise<void>;
  onGaps(gaps: readonly CoverageGap[]): void | Promise<void>;
  onEvent?(event: LogEvent): void | Promise<void>;
}

export interface IngestProgress {
  file: string;
  fileIndex: number;
  files: number;
  bytesDone: number;
  bytesTotal: number;
  records: number;
}

export interface IngestCounts {
  files: number;
  bytesRead: number;
  lines: number;
  flows: number;
  /** Log events stored (sshd, web access, Sakura router lines...). */
  events: number;
  gaps: { nodata: number; skipdata: number; sequence: number };
  rejected: number;
  /** Unix seconds of the earliest and latest flow start or event time, or null when nothing was stored. */
  firstTime: number | null;
  lastTime: number | null;
  elapsedMs: number;
}

export interface IngestDeps {
  sink: FlowSink;
  quarantine: Quarantine;
  observers: FlowObserver[];
  clock: Clock;
  onProgress?: (p: IngestProgress) => void;
  /** Total size of the inputs, when known up front, for the progress bar. */
  totalBytes?: number;
  fileCount?: number;
}

/** Counts before anything was read. */
export function emptyIngestCounts(): IngestCounts {
  return {
    files: 0,
    bytesRead: 0,
    lines: 0,
    flows: 0,
    events: 0,
    gaps: { nodata: 0, skipdata: 0, sequence: 0 },
    rejected: 0,
    firstTime: null,
    lastTime: null,
    elapsedMs: 0,
  };
}

export async function runIngest(
  inputs: AsyncIterable<IngestInputEvent>,
  deps: IngestDeps,
): Promise<IngestCounts> {
  const started = deps.clock.now();
  const counts = emptyIngestCounts();
  let bytesBeforeFile = 0;
  let bytesThisFile = 0;
  let first = Infinity;
  let last = -Infinity;
  const report = (file: string): void =>
    deps.onProgress?.({
      file,
      fileIndex: counts.files,
      files: deps.fileCount ?? counts.files,
      bytesDone: bytesBeforeFile + bytesThisFile,
      bytesTotal: deps.totalBytes ?? 0,
      records: counts.flows + counts.events,
    });

  for await (const ev of inputs) {
    switch (ev.kind) {
      case 'file-start':
        counts.files++;
        bytesThisFile = 0;
        report(ev.file);
        break;
      case 'output': {
        const { batches, gaps, rejections } = ev.output;
        for (const batch of batches) {
          if (batch.length === 0) continue;
          const start = batch.start;
          for (let i = 0; i < batch.length; i++) {
            const t = start[i]!;
            if (t < first) first = t;
            if (t > last) last = t;
          }
          await deps.sink.appendFlows(batch);
          for (const o of deps.observers) await o.onFlows(batch);
          counts.flows += batch.length;
        }
        const events = ev.output.events ?? [];
        if (events.length > 0) {
          for (const e of events) {
            if (e.time < first) first = e.time;
            if (e.time > last) last = e.time;
          }
          await deps.sink.appendEvents(events);
          for (const o of deps.observers) {
            if (o.onEvent === undefined) continue;
            for (const e of events) await o.onEvent(e);
          }
          counts.events += events.length;
        }
        if (gaps.length > 0) {
          await deps.sink.appendGaps(gaps);
          for (const o of deps.observers) await o.onGaps(gaps);
          for (const g of gaps) counts.gaps[g.kind]++;
        }
        if (rejections.length > 0) {
          deps.quarantine.add(rejections);
          counts.rejected += rejections.length;
        }
        bytesThisFile = ev.bytesRead;
        report(ev.file);
        break;
      }
      case 'file-end':
        counts.lines += ev.lines;
        bytesBeforeFile += bytesThisFile;
        counts.bytesRead = bytesBeforeFile;
        bytesThisFile = 0;
        break;
      default: {
        const never: never = ev;
        throw new Error(`unknown input event ${JSON.stringify(never)}`);
      }
    }
  }
  counts.bytesRead = bytesBeforeFile + bytesThisFile;
  if (counts.flows + counts.events > 0) {
    counts.firstTime = first;
    counts.lastTime = last;
  }
  counts.elapsedMs = deps.clock.now() - started;
  return counts;
}
