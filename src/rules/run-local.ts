// Running rules over records without a server or a store: `rules test --with FILES`, the
// streaming side of the equivalence tests and the benchmark. The same annotation and engine as
// the live pipeline; signals are collected instead of going to the findings stage.

import type { FlowBatch } from '../core/flow.ts';
import type { LogEvent } from '../core/records.ts';
import { DEFAULT_SERVICE_PORTS, createAnnotator } from '../engine/annotate.ts';
import type { DetectorContext } from '../engine/detector.ts';
import { createAddressInterner } from '../engine/keys.ts';
import { noIntel } from '../engine/lookups.ts';
import { createNetScope } from '../engine/net-scope.ts';
import type { Signal } from '../findings/finding.ts';
import { activeRules } from './config.ts';
import { createRuleEngine } from './engine.ts';
import type { Rule } from './types.ts';

export interface LocalRun {
  onFlows(batch: FlowBatch): void;
  onEvent(event: LogEvent): void;
  /** Closes every window; returns every signal and the records each detection rule matched. */
  finish(): { signals: Signal[]; matches: Map<string, number> };
}

export interface LocalRunOptions {
  windowSeconds?: number;
  maxKeys?: number;
  /** Seconds behind the latest event time that windows close (as `detection.allowedLatenessSeconds`). */
  latenessSeconds?: number;
}

/** Every rule given is on (enable state is for servers); correlations keep Sigma's `generate`. */
export function createLocalRun(rules: readonly Rule[], options: LocalRunOptions = {}): LocalRun {
  const act = activeRules(rules, { enabled: ['*'], disabled: [] }, { enable: [], disable: [] });
  const engine = createRuleEngine(act.emitting, act.correlations, act.detection, {
    windowSeconds: options.windowSeconds ?? 300,
    maxKeys: options.maxKeys ?? 1_000_000,
  });
  const scope = createNetScope({ internalCidrs: [], externalCidrs: [] });
  const interner = createAddressInterner();
  const annotator = createAnnotator(scope, noIntel, interner, new Set(DEFAULT_SERVICE_PORTS), 120);
  const signals: Signal[] = [];
  const ctx: DetectorContext = {
    emit: (s) => void signals.push(s),
    keyText: (k) => interner.text(k),
    scope,
    intel: noIntel,
    gapCovers: () => false,
  };
  const lateness = options.latenessSeconds ?? 900;
  let maxTime = -Infinity;
  let watermark = -Infinity;
  const advance = (): void => {
    if (maxTime - lateness > watermark) {
      watermark = maxTime - lateness;
      engine.onWatermark(watermark, ctx);
    }
  };
  return {
    onFlows(batch) {
      const view = annotator.annotate(batch, watermark);
      engine.onFlows(view, ctx);
      for (let i = 0; i < batch.length; i++)
        if (view.skip[i] === 0 && batch.start[i]! > maxTime) maxTime = batch.start[i]!;
      advance();
    },
    onEvent(event) {
      if (event.time < watermark) return;
      engine.onEvent(event, ctx);
      if (event.time > maxTime) maxTime = event.time;
      advance();
    },
    finish() {
      engine.onWatermark(Infinity, ctx);
      return { signals, matches: engine.matchCounts() };
    },
  };
}
