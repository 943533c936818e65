// A detector worker (`serve --role detect`): holds leases on some shards of the record stream
// and runs, for each, a detection pipeline over that shard's detectors (shards.ts), writing
// findings to the shared finding store (PostgreSQL in scale-out mode).

import { hostname } from 'node:os';
import type { Clock } from '../core/clock.ts';
import type { Detector } from '../engine/detector.ts';
import type { AssetLookup, IntelLookup } from '../engine/lookups.ts';
import type { FindingStore } from '../findings/store.ts';
import { detectors as registry } from '../detectors/index.ts';
import type { Bus } from './connect.ts';
import { openShardLeases, type ShardLeases } from './leases.ts';
import { startShardRunner, type ShardRunner } from './shard-runner.ts';
import { assignShards } from './shards.ts';

/**
 * The detection configuration restricted to a shard's detectors: settings and `disabled`
 * entries of detectors that run on other shards are left out (the pipeline refuses unknown ids).
 */
export function shardDetection(detection: unknown, shardDetectors: readonly Detector[]): unknown {
  if (detection === null || typeof detection !== 'object') return detection;
  const ids = new Set(shardDetectors.map((d) => d.id));
  const d = detection as { detectors?: Record<string, unknown>; disabled?: string[] };
  return {
    ...detection,
    ...(d.detectors
      ? { detectors: Object.fromEntries(Object.entries(d.detectors).filter(([id]) => ids.has(id))) }
      : {}),
    ...(d.disabled ? { disabled: d.disabled.filter((id) => ids.has(id)) } : {}),
  };
}

export interface DetectWorkerDeps {
  bus: Bus;
  findingStore: FindingStore;
  /** The `detection` section of the configuration (the same on every node). */
  detection?: unknown;
  intel: IntelLookup;
  assets: AssetLookup;
  clock: Clock;
  detectors?: readonly Detector[];
  log?: (message: string) => void;
}

export interface DetectWorker {
  readonly name: string;
  shards(): number[];
  /** Messages applied per shard held now. */
  progress(): Record<number, { replayed: number; consumed: number }>;
  close(): Promise<void>;
}

export async function startDetectWorker(deps: DetectWorkerDeps): Promise<DetectWorker> {
  const { bus } = deps;
  const name = bus.config.workerName ?? `${hostname()}-${process.pid}`;
  const log = deps.log ?? (() => undefined);
  const byShard = assignShards(deps.detectors ?? registry, bus.config.shards);
  const runners = new Map<number, ShardRunner>();

  const leases: ShardLeases = await openShardLeases(bus, name, {
    async acquired(shard) {
      log(`shard ${shard} acquired by ${name}: ${byShard[shard]!.map((d) => d.id).join(', ')}`);
      const runner = startShardRunner(
        bus,
        shard,
        () => ({
          config: shardDetection(deps.detection, byShard[shard]!),
          intel: deps.intel,
          assets: deps.assets,
          findingStore: deps.findingStore,
          clock: deps.clock,
          detectors: byShard[shard]!,
        }),
        (e) => log(`shard ${shard}: ${e instanceof Error ? e.message : String(e)}`),
      );
      runners.set(shard, runner);
    },
    async lost(shard) {
      log(`shard ${shard} released by ${name}`);
      await runners.get(shard)?.stop();
      runners.delete(shard);
    },
  });

  let closed = false;
  const interval = Math.max(100, Math.floor(bus.config.leaseMs / 3));
  let ticking: Promise<void> = Promise.resolve();
  const round = (): Promise<void> =>
    (ticking = ticking
      .then(() => (closed ? undefined : leases.tick()))
      .catch((e: unknown) => {
        // A new replicated bucket may not answer for a moment; the next round retries.
        log(`lease round failed: ${e instanceof Error ? e.message : String(e)}`);
      }));
  const timer = setInterval(() => void round(), interval);
  await round();

  return {
    name,
    shards: () => leases.held(),
    progress: () => Object.fromEntries([...runners].map(([s, r]) => [s, { ...r.applied }])),
    async close() {
      closed = true;
      clearInterval(timer);
      await ticking;
      await leases.close();
      await deps.findingStore.flush();
    },
  };
}
