// Shard ownership among detector workers, kept in a replicated JetStream key-value bucket whose
// entries expire after `leaseMs` without renewal. Every worker registers itself (`worker.NAME`),
// aims at an equal share of the shards (ceil(shards / live workers)), renews the leases it holds
// (`shard.N`, compare-and-set on the revision), gives up extra ones, and creates leases for free
// shards: a dead worker's leases expire and the survivors take its shards over.

import { Kvm, type KV } from '@nats-io/kv';
import type { Bus } from './connect.ts';

export interface ShardLeases {
  /** Runs one round: renew, release extras, claim free shards. */
  tick(): Promise<void>;
  held(): number[];
  close(): Promise<void>;
}

export interface LeaseHandlers {
  /** A shard became ours: start processing it. */
  acquired(shard: number): Promise<void>;
  /** A shard is no longer ours (released or lost): stop processing it before this resolves. */
  lost(shard: number): Promise<void>;
}

export async function openShardLeases(bus: Bus, name: string, handlers: LeaseHandlers): Promise<ShardLeases> {
  const { shards, leaseMs, replicas } = bus.config;
  const kv: KV = await new Kvm(bus.nc).create(`${bus.config.stream}_leases`, {
    ttl: leaseMs,
    history: 1,
    replicas,
  });
  const held = new Map<number, number>(); // shard -> revision of our lease
  /** Shards being given up: still renewed until their runner has stopped, then deleted. */
  const releasing = new Set<number>();
  const me = `worker.${name}`;

  async function liveWorkers(): Promise<number> {
    let n = 0;
    for await (const _ of await kv.keys('worker.>')) n++;
    return Math.max(1, n);
  }

  async function renew(): Promise<void> {
    for (const [shard, revision] of [...held]) {
      try {
        held.set(shard, await kv.update(`shard.${shard}`, name, revision));
      } catch {
        // Lost (expired and taken by another worker): stop processing it; the lease is not ours.
        held.delete(shard);
        if (!releasing.has(shard)) void handlers.lost(shard);
      }
    }
  }

  /** Stops the shard in the background (renewals go on meanwhile), then frees its lease. */
  function release(shard: number): void {
    releasing.add(shard);
    void handlers
      .lost(shard)
      .then(async () => {
        if (held.delete(shard)) await kv.delete(`shard.${shard}`);
      })
      .catch(() => undefined)
      .finally(() => releasing.delete(shard));
  }

  return {
    held: () => [...held.keys()].filter((s) => !releasing.has(s)).sort((a, b) => a - b),
    async tick() {
      await kv.put(me, String(Date.now()));
      await renew();
      const target = Math.ceil(shards / (await liveWorkers()));
      let active = [...held.keys()].filter((s) => !releasing.has(s)).sort((a, b) => b - a);
      while (active.length > target) {
        release(active[0]!);
        active = active.slice(1);
      }
      for (let shard = 0; shard < shards && active.length < target; shard++) {
        if (held.has(shard)) continue;
        try {
          held.set(shard, await kv.create(`shard.${shard}`, name));
        } catch {
          continue; // another worker holds it
        }
        active.push(shard);
        await handlers.acquired(shard);
      }
    },
    async close() {
      for (const shard of [...held.keys()]) {
        held.delete(shard);
        await handlers.lost(shard);
        await kv.delete(`shard.${shard}`).catch(() => undefined);
      }
      await kv.delete(me).catch(() => undefined);
    },
  };
}
