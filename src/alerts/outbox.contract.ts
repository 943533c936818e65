// The contract every Outbox passes (memory and DuckDB): run from outbox.test.ts.

import { describe, expect, it } from 'vitest';
import { summarize } from './message.ts';
import type { Outbox, OutboxEntry } from './outbox.ts';
import { findingMessage, makeFinding } from './test-findings.ts';

export function entry(id: string, over: Partial<OutboxEntry> = {}): OutboxEntry {
  return {
    id,
    channel: 'c',
    message: findingMessage({ id: `f-${id}` }),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: 100,
    createdAt: 100,
    updatedAt: 100,
    lastError: null,
    ...over,
  };
}

export function outboxContract(name: string, make: () => Promise<Outbox>): void {
  describe(`${name} outbox contract`, () => {
    it('returns due pending entries oldest first, round-tripping the message', async () => {
      const o = await make();
      await o.enqueue(entry('b', { createdAt: 200, nextAttemptAt: 200 }));
      await o.enqueue(entry('a', { createdAt: 100 }));
      await o.enqueue(entry('later', { createdAt: 50, nextAttemptAt: 5000 }));
      await o.enqueue(entry('done', { createdAt: 10, status: 'delivered' }));
      const due = await o.due(300, 10);
      expect(due.map((e) => e.id)).toEqual(['a', 'b']);
      expect(due[0]).toEqual(entry('a', { createdAt: 100 }));
      expect((await o.due(300, 1)).map((e) => e.id)).toEqual(['a']);
      await o.enqueue(entry('x', { createdAt: 1, channel: 'x' }));
      await o.enqueue(entry('y', { createdAt: 2, channel: 'y' }));
      expect((await o.due(300, 10, ['x', 'c'])).map((e) => e.id)).toEqual(['y']);
      expect((await o.due(300, 10, ['c'])).map((e) => e.id)).toEqual(['x', 'y']);
    });

    it('updates entries and lists them by status and channel, newest first', async () => {
      const o = await make();
      await o.enqueue(entry('a', { createdAt: 1 }));
      await o.enqueue(entry('b', { createdAt: 2, channel: 'other' }));
      await o.update({ ...entry('a', { createdAt: 1 }), status: 'dead', attempts: 3, lastError: 'boom' });
      expect((await o.list()).map((e) => e.id)).toEqual(['b', 'a']);
      expect(await o.list({ status: 'dead' })).toEqual([
        { ...entry('a', { createdAt: 1 }), status: 'dead', attempts: 3, lastError: 'boom' },
      ]);
      expect((await o.list({ channel: 'other' })).map((e) => e.id)).toEqual(['b']);
      expect(await o.due(1000, 10)).toHaveLength(1);
    });

    it('holds findings per channel and flushes them with the digest in one step', async () => {
      const o = await make();
      const s = (id: string): ReturnType<typeof summarize> => summarize(makeFinding({ id }), null);
      await o.hold({ channel: 'c', at: 20, finding: s('2') });
      await o.hold({ channel: 'c', at: 10, finding: s('1') });
      await o.hold({ channel: 'd', at: 5, finding: s('3') });
      await o.hold({ channel: 'c', at: 30, finding: s('4') });
      expect(await o.heldChannels()).toEqual([
        { channel: 'c', first: 10 },
        { channel: 'd', first: 5 },
      ]);
      expect((await o.held('c')).map((h) => h.finding.id)).toEqual(['1', '2', '4']);
      await o.flushDigest('c', 20, entry('digest'));
      expect((await o.held('c')).map((h) => h.finding.id)).toEqual(['4']);
      expect((await o.held('d')).map((h) => h.finding.id)).toEqual(['3']);
      expect((await o.due(1000, 10)).map((e) => e.id)).toEqual(['digest']);
    });

    it('remembers what each channel was told about each finding', async () => {
      const o = await make();
      expect(await o.getNotified('c', 'f1')).toBeNull();
      await o.putNotified({ channel: 'c', findingId: 'f1', severity: 5.5, count: 2, at: 7 });
      await o.putNotified({ channel: 'c', findingId: 'f1', severity: 7.5, count: 3, at: 9 });
      expect(await o.getNotified('c', 'f1')).toEqual({
        channel: 'c',
        findingId: 'f1',
        severity: 7.5,
        count: 3,
        at: 9,
      });
      expect(await o.getNotified('d', 'f1')).toBeNull();
    });

    it('keeps decision and delivery logs, newest first', async () => {
      const o = await make();
      const d = { findingId: 'f', type: 't', severity: 5, action: 'send' as const, reason: 'r' };
      await o.logDecision({ ...d, at: 1, channel: 'c' });
      await o.logDecision({ ...d, at: 2, channel: null, action: 'skip', reason: 'no route matched' });
      await o.logDecision({ ...d, at: 2, channel: 'c', reason: 'second at 2' });
      expect((await o.decisions()).map((x) => x.reason)).toEqual(['second at 2', 'no route matched', 'r']);
      expect((await o.decisions(1))[0]).toEqual({ ...d, at: 2, channel: 'c', reason: 'second at 2' });
      const r = { entryId: 'e', channel: 'c', attempt: 1, ok: false, error: 'x', outcome: 'retry' as const };
      await o.logDelivery({ ...r, at: 1 });
      await o.logDelivery({ ...r, at: 3, attempt: 2, ok: true, error: null, outcome: 'delivered' });
      expect(await o.deliveries()).toEqual([
        { ...r, at: 3, attempt: 2, ok: true, error: null, outcome: 'delivered' },
        { ...r, at: 1 },
      ]);
    });
  });
}
