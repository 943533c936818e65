import { describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { requeueDeadLetters } from './dead-letters.ts';
import { createMemoryOutbox } from './memory-outbox.ts';
import { entry } from './outbox.contract.ts';

describe('re-queueing dead letters', () => {
  it('puts dead messages back as pending with fresh attempts, by channel or id', async () => {
    const o = createMemoryOutbox();
    const clock = manualClock(5000);
    await o.enqueue(entry('a', { status: 'dead', attempts: 50, lastError: 'x', channel: 'c' }));
    await o.enqueue(entry('b', { status: 'dead', attempts: 1, channel: 'd' }));
    await o.enqueue(entry('c', { status: 'dead', attempts: 1, channel: 'd' }));
    await o.enqueue(entry('p', { status: 'pending', channel: 'c' }));
    expect(await requeueDeadLetters(o, clock, { channel: 'c' })).toBe(1);
    expect(await requeueDeadLetters(o, clock, { ids: ['c'] })).toBe(1);
    const pending = await o.due(5000, 10);
    expect(pending.map((e) => [e.id, e.attempts, e.nextAttemptAt])).toEqual([
      ['a', 0, 5000],
      ['c', 0, 5000],
      ['p', 0, 100],
    ]);
    expect((await o.list({ status: 'dead' })).map((e) => e.id)).toEqual(['b']);
  });
});
