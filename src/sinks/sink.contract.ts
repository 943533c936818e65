// The contract every sink passes (run from contract.test.ts against real loopback receivers):
// it delivers a finding and a digest, a receiver that is gone is a retryable SinkError, and
// close() releases everything so the test process can exit.

import { describe, expect, it } from 'vitest';
import { buildDigest, summarize } from '../alerts/message.ts';
import { findingMessage, makeFinding } from '../alerts/test-findings.ts';
import { SinkError, type Sink } from './sink.ts';
import { waitFor } from './test-receivers.ts';

export interface SinkUnderTest {
  sink: Sink;
  /** Messages the receiver got so far. */
  received(): number;
  /** Stops the receiver; null when the transport cannot notice (UDP). */
  stopReceiver: (() => Promise<void>) | null;
  /** Releases the receiver. */
  dispose(): Promise<void>;
}

export function sinkContract(kind: string, make: () => Promise<SinkUnderTest>, label = kind): void {
  describe(`${label} sink contract`, () => {
    it('delivers a finding and a digest, once each', async () => {
      const t = await make();
      try {
        expect(t.sink.kind).toBe(kind);
        await t.sink.send(findingMessage({ severity: 9.5 }), 'c-1');
        const held = [1, 2, 3].map((i) => ({
          at: i,
          finding: summarize(makeFinding({ id: `d${i}` }), null),
        }));
        await t.sink.send(buildDigest(held), 'c-2');
        await waitFor(() => t.received() >= 2);
        expect(t.received()).toBe(2);
      } finally {
        await t.sink.close();
        await t.dispose();
      }
    });

    it('a receiver that is gone is a retryable SinkError', async () => {
      const t = await make();
      try {
        if (t.stopReceiver === null) return;
        await t.stopReceiver();
        const err = await t.sink.send(findingMessage(), 'c-3').then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(SinkError);
        expect((err as SinkError).retryable).toBe(true);
      } finally {
        await t.sink.close();
        await t.dispose();
      }
    });
  });
}
