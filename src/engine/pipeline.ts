// The detection pipeline the ingest loop (and a live source) feeds: annotate each batch once,
// hand it to every enabled detector, advance the watermark (max event time - allowed lateness),
// close windows on it, and pass the signals to the findings stage in order.

import { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import { UserError } from '../core/errors.ts';
import type { CoverageGap, FlowBatch } from '../core/flow.ts';
import type { LogEvent } from '../core/records.ts';
import type { Signal } from '../findings/finding.ts';
import type { FindingEvents } from '../findings/events.ts';
import { createFindingsStage } from '../findings/stage.ts';
import type { FindingStore } from '../findings/store.ts';
import { detectors as registry } from '../detectors/index.ts';
import { DEFAULT_SERVICE_PORTS, createAnnotator } from './annotate.ts';
import type { Detector, DetectorContext, DetectorInstance } from './detector.ts';
import { createAddressInterner } from './keys.ts';
import type { AssetLookup, IntelLookup } from './lookups.ts';
import { createNetScope, netScopeSchema } from './net-scope.ts';

export const pipelineConfigSchema = z.object({
  /** Seconds a record may arrive after the latest event time seen (VPC logs: up to ~10 min). */
  allowedLatenessSeconds: z.number().min(0).default(900),
  scope: netScopeSchema,
  /** Ports above 1023 that are services (a flow from them to an ephemeral port is a reply). */
  servicePorts: z.array(z.number().int().min(1).max(65535)).default([...DEFAULT_SERVICE_PORTS]),
  /** One connection seen by two interfaces within this many seconds counts once. */
  dedupeSeconds: z.number().min(1).default(120),
  /** Detector ids to turn off. */
  disabled: z.array(z.string()).default([]),
  /** Per-detector configuration, by detector id; see docs/detections.md for every default. */
  detectors: z.record(z.string(), z.unknown()).default({}),
  /** Most coverage gaps remembered for "silence is not evidence" checks. */
  maxGaps: z.number().int().min(0).default(10000),
  /**
   * `serve` only: at start, stored records of this many seconds before the newest one are
   * replayed through detection, so windows open at a restart are rebuilt (0: none).
   */
  replaySeconds: z.number().int().min(0).default(3600),
  /** `serve` only: most records replayed at start (the newest ones). */
  replayMaxRows: z.number().int().min(0).default(2_000_000),
  /**
   * `serve` only: host profiles (src/behavior) are saved to the data directory this often
   * (seconds of the server's clock) as well as at stop, so a crash loses at most this much
   * learning (0: at stop only).
   */
  profileSaveSeconds: z.number().int().min(0).default(300),
});
export type PipelineConfig = z.infer<typeof pipelineConfigSchema>;

export interface PipelineDeps {
  config?: unknown;
  intel: IntelLookup;
  assets: AssetLookup;
  findingStore: FindingStore;
  clock: Clock;
  /** Defaults to the registry in detectors/index.ts. */
  detectors?: readonly Detector[];
  /** Told of every stored finding (alert router, live API stream). */
  findingEvents?: FindingEvents;
  /** Live mode: detectors emit a finding as soon as a threshold is crossed (see DetectorDeps.early). */
  early?: boolean;
}

export interface PipelineStats {
  watermark: number;
  late: number;
  duplicates: number;
  signals: number;
  state: Record<string, number>;
}

export interface DetectionPipeline {
  onFlows(batch: FlowBatch): void | Promise<void>;
  onGaps(gaps: readonly CoverageGap[]): void;
  onEvent(event: LogEvent): void | Promise<void>;
  /** Live mode: moves the watermark with the clock when input is idle. */
  tick(): Promise<void>;
  /** End of an import: closes every window and writes the remaining findings. */
  finish(): Promise<{ findingsNew: number; findingsUpdated: number }>;
  stats(): PipelineStats;
}

export function parsePipelineConfig(raw: unknown): PipelineConfig {
  const r = pipelineConfigSchema.safeParse(raw ?? {});
  if (!r.success) {
    throw new UserError(
      `invalid detection configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      {
        hint: 'see docs/detections.md for the configuration keys and their defaults',
      },
    );
  }
  return r.data;
}

export function createDetectionPipeline(deps: PipelineDeps): DetectionPipeline {
  const config = parsePipelineConfig(deps.config);
  const scope = createNetScope(config.scope, (v4, v6) => deps.assets.lookup(v4, v6, null) !== null);
  const interner = createAddressInterner();
  const annotator = createAnnotator(
    scope,
    deps.intel,
    interner,
    new Set(config.servicePorts),
    config.dedupeSeconds,
  );
  const stage = createFindingsStage({
    store: deps.findingStore,
    clock: deps.clock,
    intel: deps.intel,
    assets: deps.assets,
    ...(deps.findingEvents ? { events: deps.findingEvents } : {}),
  });
  const all = deps.detectors ?? registry;
  const known = new Set(all.map((d) => d.id));
  for (const id of [...config.disabled, ...Object.keys(config.detectors)]) {
    if (!known.has(id)) {
      throw new UserError(`unknown detector "${id}" in detection configuration`, {
        hint: `known detectors: ${[...known].join(', ')}`,
      });
    }
  }
  const instances: { id: string; instance: DetectorInstance }[] = [];
  for (const d of all) {
    if (config.disabled.includes(d.id)) continue;
    const parsed = d.configSchema.safeParse(config.detectors[d.id] ?? {});
    if (!parsed.success) {
      throw new UserError(
        `invalid configuration for detector ${d.id}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        {
          hint: 'see docs/detections.md for the keys and defaults',
        },
      );
    }
    instances.push({
      id: d.id,
      instance: d.create(parsed.data, { scope, intel: deps.intel, early: deps.early === true }),
    });
  }

  const queue: Signal[] = [];
  const gaps: CoverageGap[] = [];
  let maxEventTime = -Infinity;
  let watermark = -Infinity;
  let signals = 0;
  let draining: Promise<void> = Promise.resolve();

  const ctx: DetectorContext = {
    emit: (s) => {
      queue.push(s);
      signals++;
    },
    keyText: (k) => interner.text(k),
    scope,
    intel: deps.intel,
    gapCovers(resource, from, to) {
      for (const g of gaps)
        if (
          g.start <= to &&
          g.end >= from &&
          (resource === null || g.resource === null || g.resource === resource)
        )
          return true;
      return false;
    },
  };

  function drain(): Promise<void> {
    if (queue.length === 0) return draining;
    const batch = queue.splice(0, queue.length);
    draining = draining.then(async () => {
      for (const s of batch) await stage.accept(s);
      await deps.findingStore.flush();
      await stage.announce();
    });
    return draining;
  }

  function advance(t: number): void {
    if (t <= watermark) return;
    watermark = t;
    for (const d of instances) d.instance.onWatermark(t, ctx);
  }

  return {
    onFlows(batch) {
      const view = annotator.annotate(batch, watermark);
      for (const d of instances) d.instance.onFlows(view, ctx);
      for (let i = 0; i < batch.length; i++) {
        const t = batch.start[i]!;
        if (view.skip[i] === 0 && t > maxEventTime) maxEventTime = t;
      }
      advance(maxEventTime - config.allowedLatenessSeconds);
      return queue.length > 0 ? drain() : undefined;
    },
    onGaps(list) {
      for (const g of list) {
        gaps.push(g);
        if (gaps.length > config.maxGaps) gaps.shift();
      }
    },
    onEvent(event) {
      if (event.time < watermark) return undefined;
      for (const d of instances) d.instance.onEvent?.(event, ctx);
      if (event.time > maxEventTime) maxEventTime = event.time;
      advance(maxEventTime - config.allowedLatenessSeconds);
      return queue.length > 0 ? drain() : undefined;
    },
    async tick() {
      advance(deps.clock.now() / 1000 - config.allowedLatenessSeconds);
      await drain();
    },
    async finish() {
      advance(Infinity);
      await drain();
      await draining;
      return { findingsNew: stage.counts.new, findingsUpdated: stage.counts.updated + stage.counts.repeat };
    },
    stats() {
      const state: Record<string, number> = {};
      for (const d of instances) state[d.id] = d.instance.stateSize();
      return { watermark, late: annotator.late, duplicates: annotator.duplicates, signals, state };
    },
  };
}
