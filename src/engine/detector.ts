// The one interface every detector implements. A detector is short: it watches records, keeps
// bounded per-key state in event-time windows, and emits Signals ("this happened, identified by
// X"). It never deduplicates, routes or suppresses findings: the findings stage does.

import type { z } from 'zod';
import type { FlowBatch } from '../core/flow.ts';
import type { LogEvent } from '../core/records.ts';
import type { Signal } from '../findings/finding.ts';
import type { IntelLookup, IntelMatch } from './lookups.ts';
import type { NetScope } from './net-scope.ts';

/** A batch with the per-row facts every detector needs, computed once by the pipeline. */
export interface FlowView {
  batch: FlowBatch;
  /** Address keys (see keys.ts): IPv4 integer or interned IPv6. */
  srcKey: Float64Array;
  dstKey: Float64Array;
  srcInternal: Uint8Array;
  dstInternal: Uint8Array;
  /** 1 when the row is the reply side of a connection (service port -> ephemeral port). */
  reply: Uint8Array;
  /** 1 when the row must be ignored: the same flow already seen on another interface, or too late. */
  skip: Uint8Array;
  /**
   * Threat-intel match of the outside endpoint when exactly one side is internal (null
   * otherwise, and null when the outside endpoint is trusted: trusted lists win).
   */
  intel: (IntelMatch | null)[];
  /** 1 when the outside endpoint (rows with exactly one internal side) is on a trusted list. */
  trusted: Uint8Array;
}

export interface DetectorContext {
  emit(signal: Signal): void;
  keyText(key: number): string;
  readonly scope: NetScope;
  readonly intel: IntelLookup;
  /** True when a NODATA/SKIPDATA gap for the resource (or any resource) overlaps [from, to]. */
  gapCovers(resource: string | null, from: number, to: number): boolean;
}

export interface DetectorInstance {
  onFlows(view: FlowView, ctx: DetectorContext): void;
  onEvent?(event: LogEvent, ctx: DetectorContext): void;
  /** Event time (Unix seconds) up to which all input has arrived: close windows ending before it. */
  onWatermark(t: number, ctx: DetectorContext): void;
  /** Number of keys held, for the dashboard and the memory budget. */
  stateSize(): number;
}

export interface DetectorDeps {
  scope: NetScope;
  intel: IntelLookup;
  /**
   * Live mode: a detector that can should emit a provisional signal the moment a key crosses its
   * threshold in a window that is still open, instead of waiting for the watermark to close it.
   * The close emits the final signal for the same window and the findings stage merges the two
   * (same id, count of distinct windows unchanged, the larger observation kept), so the stored
   * result is the one a batch import gives. Only identities that cannot change before the close
   * may be emitted early.
   */
  early?: boolean;
}

export interface Detector<S extends z.ZodType = z.ZodType> {
  id: string;
  /** The finding types it can emit. */
  types: readonly string[];
  description: string;
  configSchema: S;
  create(config: z.output<S>, deps: DetectorDeps): DetectorInstance;
}
