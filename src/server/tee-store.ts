// The flow store an ingest node hands to the live inputs: rows go to ClickHouse and, in the same
// order, to the bus for the detect nodes. Queries, stats and retention are ClickHouse's.

import type { BusPublisher } from '../bus/publisher.ts';
import type { FlowStore } from '../store/store.ts';

export function teeFlowStore(store: FlowStore, publisher: BusPublisher): FlowStore {
  return {
    async appendFlows(batch) {
      await store.appendFlows(batch);
      await publisher.onFlows(batch);
    },
    async appendGaps(gaps) {
      await store.appendGaps(gaps);
      await publisher.onGaps(gaps);
    },
    async appendEvents(events) {
      await store.appendEvents(events);
      for (const e of events) await publisher.onEvent(e);
    },
    async flush() {
      await store.flush();
      await publisher.flush();
    },
    all: (sql, params) => store.all(sql, params),
    stats: () => store.stats(),
    retain: (policy, nowMs) => store.retain(policy, nowMs),
    exportParquet: (dir, range) => store.exportParquet(dir, range),
    async close() {
      await publisher.flush();
      await store.close();
    },
  };
}
