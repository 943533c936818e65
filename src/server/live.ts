// Live inputs of `serve`: the NetFlow/IPFIX UDP collector feeding the store and the detection
// pipeline. The collector's receive path only queues datagrams (sources/netflow-udp.ts); each
// decode turn's flows are appended to the store and shown to the detectors, rejections go to the
// quarantine file, and a timer flushes the store and moves detection's watermark once a second
// so findings appear while traffic is idle too.

import { loadAssets } from '../assets/load.ts';
import type { Clock } from '../core/clock.ts';
import { errorMessage } from '../core/errors.ts';
import { openQuarantine, type Quarantine } from '../core/quarantine.ts';
import type { ParseOutput } from '../core/records.ts';
import { createDetectionPipeline, type DetectionPipeline } from '../engine/pipeline.ts';
import type { FindingStore } from '../findings/store.ts';
import { loadIntel } from '../intel/store.ts';
import {
  createNetflowUdpSource,
  type BoundSocket,
  type NetflowUdpCounters,
  type NetflowUdpSource,
} from '../sources/netflow-udp.ts';
import type { FlowStore } from '../store/store.ts';
import type { MetricsSink } from '../api/route.ts';
import type { SakuraGuardConfig } from '../config/schema.ts';

export interface LiveInputs {
  netflow: BoundSocket[];
  pipeline: DetectionPipeline;
  /** The collector's counters, or null when NetFlow is off. */
  netflowCounters(): NetflowUdpCounters | null;
  /** Decodes what is queued, writes it and moves detection (tests call this instead of waiting). */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export interface LiveDeps {
  config: SakuraGuardConfig;
  dataDir: string;
  clock: Clock;
  flows: FlowStore;
  findings: FindingStore;
  metrics: MetricsSink;
  log(level: 'info' | 'error', message: string): void;
}

export async function startLiveInputs(deps: LiveDeps): Promise<LiveInputs> {
  const { config, clock, flows, metrics } = deps;
  const pipeline = createDetectionPipeline({
    config: config.detection,
    intel: await loadIntel(deps.dataDir),
    assets: await loadAssets(deps.dataDir),
    findingStore: deps.findings,
    clock,
  });
  let quarantine: Quarantine | null = null;
  // One write at a time: decode turns and the timer both touch the store and the pipeline.
  let chain: Promise<void> = Promise.resolve();
  const serial = (fn: () => Promise<void>): Promise<void> => {
    chain = chain.then(fn).catch((e: unknown) => deps.log('error', `live input: ${errorMessage(e)}`));
    return chain;
  };

  const onOutput = (source: string, o: ParseOutput): Promise<void> =>
    serial(async () => {
      for (const b of o.batches) {
        await flows.appendFlows(b);
        await pipeline.onFlows(b);
        metrics.inc('sakura_guard_records_in_total', { source }, b.length);
      }
      if (o.gaps.length > 0) {
        await flows.appendGaps(o.gaps);
        pipeline.onGaps(o.gaps);
      }
      if (o.rejections.length > 0) {
        quarantine ??= openQuarantine(deps.dataDir, clock.now());
        quarantine.add(o.rejections);
        metrics.inc('sakura_guard_records_quarantined_total', { source }, o.rejections.length);
      }
    });

  const tick = (): Promise<void> =>
    serial(async () => {
      await flows.flush();
      await pipeline.tick();
    });

  let netflow: NetflowUdpSource | null = null;
  let bound: BoundSocket[] = [];
  if (config.inputs.netflow.enabled) {
    const { enabled: _enabled, ...options } = config.inputs.netflow;
    netflow = createNetflowUdpSource(options, {
      clock,
      onOutput: (o) => onOutput('netflow', o),
      onError: (m) => deps.log('error', `netflow: ${m}`),
    });
    bound = await netflow.start();
    for (const b of bound) deps.log('info', `netflow: listening on ${b.address}:${b.port}/udp`);
  }
  const timer = setInterval(() => void tick(), 1000);
  timer.unref();

  return {
    netflow: bound,
    pipeline,
    netflowCounters: () => netflow?.counters() ?? null,
    async settle() {
      await netflow?.drain();
      await tick();
    },
    async stop() {
      clearInterval(timer);
      await netflow?.stop();
      await serial(async () => {
        await flows.flush();
        await pipeline.finish();
      });
      quarantine?.close();
    },
  };
}
