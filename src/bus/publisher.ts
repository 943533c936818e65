// The ingest side of the bus: a FlowObserver (beside the store in the import loop) that publishes
// normalised records to JetStream in messages of about `batchRecords` rows, in input order, with
// a bounded number of publishes awaiting their acknowledgement.

import type { CoverageGap, FlowBatch } from '../core/flow.ts';
import type { LogEvent } from '../core/records.ts';
import type { FlowObserver } from '../ingest/ingest.ts';
import { encodeEnd, encodeRecords } from './codec.ts';
import type { Bus } from './connect.ts';

/** Publishes waiting for JetStream's acknowledgement before the next one waits. */
const MAX_IN_FLIGHT = 256;

export interface BusPublisher extends FlowObserver {
  onEvent(event: LogEvent): Promise<void>;
  /** Publishes buffered events and waits until JetStream has stored every message. */
  flush(): Promise<void>;
  /** Marks the end of an import: workers close every window. */
  end(): Promise<void>;
  readonly published: { messages: number; flows: number; events: number; gaps: number };
}

export function createBusPublisher(bus: Bus): BusPublisher {
  const { subject, batchRecords } = bus.config;
  const inFlight: Promise<void>[] = [];
  let failure: unknown = null;
  let events: LogEvent[] = [];
  const settle = async (n: number): Promise<void> => {
    await Promise.all(inFlight.splice(0, n));
    if (failure !== null) throw failure;
  };
  const published = { messages: 0, flows: 0, events: 0, gaps: 0 };

  async function publish(data: Uint8Array): Promise<void> {
    inFlight.push(
      bus.js.publish(subject, data).then(
        () => undefined,
        (e: unknown) => {
          failure ??= e;
        },
      ),
    );
    published.messages++;
    if (inFlight.length >= MAX_IN_FLIGHT) await settle(inFlight.length / 2);
  }

  async function publishEvents(): Promise<void> {
    if (events.length === 0) return;
    const list = events;
    events = [];
    published.events += list.length;
    await publish(encodeRecords(null, 0, 0, [], list));
  }

  return {
    published,
    async onFlows(batch: FlowBatch) {
      await publishEvents();
      for (let from = 0; from < batch.length; from += batchRecords) {
        const n = Math.min(batchRecords, batch.length - from);
        await publish(encodeRecords(batch, from, n));
      }
      published.flows += batch.length;
    },
    async onGaps(gaps: readonly CoverageGap[]) {
      await publishEvents();
      published.gaps += gaps.length;
      await publish(encodeRecords(null, 0, 0, gaps));
    },
    async onEvent(event: LogEvent) {
      events.push(event);
      if (events.length >= batchRecords) await publishEvents();
    },
    async flush() {
      await publishEvents();
      await settle(inFlight.length);
    },
    async end() {
      await publishEvents();
      await publish(encodeEnd());
      await settle(inFlight.length);
    },
  };
}
