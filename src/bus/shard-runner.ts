// One shard on one worker: rebuilds the shard's detector state by replaying the stream up to the
// durable consumer's acknowledgement floor (the last checkpoint), then consumes from there. After
// each fetched batch it flushes the finding store (the checkpoint: findings durable in the state
// store) and only then acknowledges the messages. Replayed signals rewrite the same findings:
// ids are hashes of their identity and `count` counts distinct windows, so nothing doubles.

import { AckPolicy, DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import { createDetectionPipeline, type DetectionPipeline, type PipelineDeps } from '../engine/pipeline.ts';
import { decodeMessage } from './codec.ts';
import type { Bus } from './connect.ts';

/** Messages per fetch (the unit of a checkpoint) and how long a fetch waits for them. */
const FETCH_MESSAGES = 200;
const FETCH_EXPIRES_MS = 5000;
/** Pause before a shard restarts from its checkpoint after an error. */
const RESTART_DELAY_MS = 500;
/** Redelivery to the same worker only after this long: a shard is re-read by its next owner instead. */
const ACK_WAIT_NS = 10 * 60 * 1e9;

export interface ShardRunner {
  readonly shard: number;
  /** Messages applied (replayed + consumed). */
  readonly applied: { replayed: number; consumed: number };
  stop(): Promise<void>;
}

export function consumerName(shard: number): string {
  return `shard-${shard}`;
}

export function startShardRunner(
  bus: Bus,
  shard: number,
  pipelineDeps: () => PipelineDeps,
  onError: (e: unknown) => void,
): ShardRunner {
  const { stream } = bus.config;
  const name = consumerName(shard);
  let stopped = false;
  let pipeline: DetectionPipeline | null = null;
  const applied = { replayed: 0, consumed: 0 };

  async function apply(data: Uint8Array): Promise<void> {
    // Detection is CPU work: let timers (lease renewals) run between messages.
    await new Promise((resolve) => setImmediate(resolve));
    const m = decodeMessage(data);
    pipeline ??= createDetectionPipeline(pipelineDeps());
    if (m.kind === 'end') {
      await pipeline.finish();
      pipeline = null; // the next import starts afresh
      return;
    }
    if (m.gaps.length > 0) pipeline.onGaps(m.gaps);
    for (const e of m.events) await pipeline.onEvent(e);
    if (m.flows !== null) await pipeline.onFlows(m.flows);
  }

  /** Our checkpoint: the consumer's ack floor. The consumer is recreated from it, so messages
   * a dead owner fetched but never acknowledged come to us at once (not after ack_wait). */
  async function resetConsumer(): Promise<number> {
    let floor = 0;
    try {
      const info = await bus.jsm.consumers.info(stream, name);
      floor = info.ack_floor.stream_seq;
      await bus.jsm.consumers.delete(stream, name);
    } catch {
      // no consumer yet: start from the beginning
    }
    await bus.jsm.consumers.add(stream, {
      durable_name: name,
      ack_policy: AckPolicy.Explicit,
      ack_wait: ACK_WAIT_NS,
      max_ack_pending: FETCH_MESSAGES * 2,
      ...(floor > 0
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: floor + 1 }
        : { deliver_policy: DeliverPolicy.All }),
    });
    return floor;
  }

  async function replay(floor: number): Promise<void> {
    const info = await bus.jsm.streams.info(stream);
    if (floor < info.state.first_seq) return;
    const ordered = await bus.js.consumers.get(stream, { deliver_policy: DeliverPolicy.All });
    let seq = 0;
    while (!stopped && seq < floor) {
      const batch = await ordered.fetch({ max_messages: FETCH_MESSAGES, expires: FETCH_EXPIRES_MS });
      for await (const m of batch) {
        if (m.seq > floor) break;
        await apply(m.data);
        applied.replayed++;
        seq = m.seq;
        if (seq >= floor) break;
      }
    }
    await ordered.delete().catch(() => false);
  }

  /** The checkpoint (findings flushed to the state store), then the acknowledgements. */
  async function checkpoint(done: JsMsg[]): Promise<void> {
    if (done.length === 0) return;
    await pipelineDeps().findingStore.flush();
    for (const m of done) m.ack();
    done.length = 0;
  }

  async function consume(): Promise<void> {
    const consumer = await bus.js.consumers.get(stream, name);
    while (!stopped) {
      const batch = await consumer.fetch({ max_messages: FETCH_MESSAGES, expires: FETCH_EXPIRES_MS });
      const done: JsMsg[] = [];
      for await (const m of batch) {
        await apply(m.data);
        done.push(m);
        applied.consumed++;
        // Nothing more waiting: checkpoint now rather than when the fetch expires.
        if (m.info.pending === 0) await checkpoint(done);
      }
      await checkpoint(done);
    }
  }

  // Any error (a missed heartbeat under load, a leader change) restarts the shard from its
  // checkpoint with fresh state: messages applied but not acknowledged are never applied twice.
  const running = (async () => {
    while (!stopped) {
      try {
        pipeline = null;
        const floor = await resetConsumer();
        await replay(floor);
        await consume();
      } catch (e) {
        if (stopped) break;
        onError(e);
        await new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS));
      }
    }
  })();

  return {
    shard,
    applied,
    async stop() {
      stopped = true;
      await running;
    },
  };
}
