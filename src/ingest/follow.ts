// `ingest --follow PATH`: keeps reading one growing log file (sources/follow.ts), parses each
// appended run of lines with one parser (the format sniffed from the first lines, or forced),
// stores and detects it, flushes the store, and only then saves the position to
// DATA_DIR/follow/<hash of the path>.json. A restart resumes there: lines stored before a crash
// are not stored twice (except those of a batch whose flush finished but whose position write
// did not, at most one poll's worth), and lines appended while stopped are not lost.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../core/clock.ts';
import type { Quarantine } from '../core/quarantine.ts';
import type { DetectionPipeline } from '../engine/pipeline.ts';
import { FileFollower, type FollowPosition } from '../sources/follow.ts';
import { chooseLogFlowParser, firstLines, lineParserFor, type LineFlowParser } from '../sources/log-flows.ts';
import type { FlowStore } from '../store/store.ts';

export interface FollowDeps {
  store: FlowStore;
  pipeline: DetectionPipeline | null;
  quarantine: Quarantine;
  clock: Clock;
  dataDir: string;
}

export interface FollowOptions {
  /** A line format of log-flows.ts; sniffed from the first lines when absent. */
  format?: string;
  /** Milliseconds between polls when nothing new was there. Default 500. */
  pollMs?: number;
  signal: AbortSignal;
  /** Called after each stored batch (tests, progress). */
  onStored?: (counts: FollowCounts) => void;
}

export interface FollowCounts {
  lines: number;
  flows: number;
  events: number;
  rejected: number;
  rotations: number;
  /** Where reading resumed from (null: the file's start). */
  resumedFrom: FollowPosition | null;
}

interface SavedPosition extends FollowPosition {
  path: string;
  savedAt: string;
}

/** The file that keeps the position for `file`. */
export function positionFile(dataDir: string, file: string): string {
  const hash = createHash('sha256').update(path.resolve(file)).digest('hex').slice(0, 16);
  return path.join(dataDir, 'follow', `${hash}.json`);
}

function readPosition(file: string): FollowPosition | null {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8')) as Partial<SavedPosition>;
    if (typeof j.inode === 'number' && typeof j.offset === 'number')
      return { inode: j.inode, offset: j.offset };
  } catch {
    // absent or unreadable: start at the beginning
  }
  return null;
}

function writePosition(file: string, followed: string, p: FollowPosition, nowMs: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const saved: SavedPosition = { path: path.resolve(followed), ...p, savedAt: new Date(nowMs).toISOString() };
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(saved)}\n`);
  renameSync(tmp, file);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

export async function followIngest(
  deps: FollowDeps,
  file: string,
  options: FollowOptions,
): Promise<FollowCounts> {
  const stateFile = positionFile(deps.dataDir, file);
  const resumedFrom = readPosition(stateFile);
  const follower = new FileFollower(file, resumedFrom);
  const counts: FollowCounts = { lines: 0, flows: 0, events: 0, rejected: 0, rotations: 0, resumedFrom };
  const name = path.resolve(file);
  let parser: LineFlowParser | null = null;
  const parserFor = (head: Buffer): LineFlowParser => {
    if (options.format !== undefined) {
      const forced = lineParserFor(options.format, name, deps.clock.now());
      if (forced === null) throw new Error(`unknown line format ${options.format}`);
      return forced;
    }
    const choice = chooseLogFlowParser(firstLines(head.subarray(0, 8192), true), name, deps.clock.now());
    return choice.kind === 'parser'
      ? choice.parser
      : (lineParserFor('syslog', name, deps.clock.now()) as LineFlowParser);
  };
  try {
    while (!options.signal.aborted) {
      const chunk = follower.poll();
      if (chunk === null) {
        await deps.pipeline?.tick();
        await sleep(options.pollMs ?? 500, options.signal);
        continue;
      }
      if (chunk.rotated !== undefined) counts.rotations++;
      parser ??= parserFor(chunk.bytes);
      const before = parser.lines;
      const out = parser.push(chunk.bytes);
      const held = parser.drain?.(true);
      if (held) {
        out.batches.push(...held.batches);
        out.gaps.push(...held.gaps);
        out.rejections.push(...held.rejections);
      }
      for (const b of out.batches) {
        if (b.length === 0) continue;
        await deps.store.appendFlows(b);
        await deps.pipeline?.onFlows(b);
        counts.flows += b.length;
      }
      if (out.gaps.length > 0) {
        await deps.store.appendGaps(out.gaps);
        deps.pipeline?.onGaps(out.gaps);
      }
      const events = out.events ?? [];
      if (events.length > 0) {
        await deps.store.appendEvents(events);
        if (deps.pipeline) for (const e of events) await deps.pipeline.onEvent(e);
        counts.events += events.length;
      }
      if (out.rejections.length > 0) {
        deps.quarantine.add(out.rejections);
        counts.rejected += out.rejections.length;
      }
      counts.lines += parser.lines - before;
      // The position is saved only once what it covers is durable.
      await deps.store.flush();
      writePosition(stateFile, file, chunk.position, deps.clock.now());
      options.onStored?.(counts);
    }
    // Chunks end on line boundaries: the parser holds nothing more. Batches it still fills are flushed.
    const rest = parser?.end();
    for (const b of rest?.batches ?? []) {
      if (b.length === 0) continue;
      await deps.store.appendFlows(b);
      await deps.pipeline?.onFlows(b);
      counts.flows += b.length;
    }
    await deps.store.flush();
  } finally {
    follower.close();
  }
  return counts;
}
