import { describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { createListIntel, noAssets } from '../engine/lookups.ts';
import { createFindingEvents } from './events.ts';
import type { Finding } from './finding.ts';
import type { SignalOutcome } from './stage.ts';
import { createMemoryFindingStore } from './memory-store.ts';
import { createFindingsStage } from './stage.ts';
import { testSignal } from './test-signal.ts';

const signal = testSignal;

describe('finding events', () => {
  it('announces accepted findings only when asked, in order, as snapshots', async () => {
    const events = createFindingEvents();
    const got: [Finding, SignalOutcome][] = [];
    events.subscribe((f, o) => void got.push([f, o]));
    const stage = createFindingsStage({
      store: createMemoryFindingStore(),
      clock: manualClock(0),
      intel: createListIntel([]),
      assets: noAssets,
      events,
    });
    await stage.accept(signal());
    await stage.accept(signal({ windowStart: 1300, observed: 40 }));
    expect(got).toHaveLength(0);
    await stage.announce();
    expect(got.map(([f, o]) => [o, f.count, f.evidence.observed])).toEqual([
      ['new', 1, 20],
      ['updated', 2, 40],
    ]);
    await stage.announce();
    expect(got).toHaveLength(2);
  });

  it('a failing listener is reported and does not stop the others; unsubscribe works', async () => {
    const errors: unknown[] = [];
    const events = createFindingEvents((e) => errors.push(e));
    const seen: string[] = [];
    events.subscribe(() => {
      throw new Error('boom');
    });
    const off = events.subscribe((f) => void seen.push(f.id));
    const stage = createFindingsStage({
      store: createMemoryFindingStore(),
      clock: manualClock(0),
      intel: createListIntel([]),
      assets: noAssets,
      events,
    });
    await stage.accept(signal());
    await stage.announce();
    expect(seen).toHaveLength(1);
    expect(errors).toHaveLength(1);
    off();
    expect(events.listenerCount).toBe(1);
    await stage.accept(signal({ windowStart: 1300 }));
    await stage.announce();
    expect(seen).toHaveLength(1);
  });
});
