import { describe, expect, it } from 'vitest';
import { parseAlertingConfig, type ChannelPolicy } from './config.ts';
import { decide, newThrottle, recordSend, type Notified } from './decide.ts';
import { makeFinding } from './test-findings.ts';

const T0 = Date.parse('2026-11-20T03:00:00Z'); // 12:00 in Tokyo
const MIN = 60_000;

function policy(over: Record<string, unknown> = {}): ChannelPolicy {
  const c = parseAlertingConfig({
    channels: [{ name: 'c', kind: 'teams', url: 'https://example.test/x', ...over }],
  });
  const ch = c.channels[0];
  if (ch === undefined) throw new Error('no channel');
  return ch;
}

const notified = (over: Partial<Notified> = {}): Notified => ({
  channel: 'c',
  findingId: 'f1',
  severity: 5,
  count: 1,
  at: T0,
  ...over,
});

describe('per-channel decisions', () => {
  it('sends a new finding', () => {
    expect(decide(policy(), newThrottle(), null, makeFinding(), T0)).toEqual({
      action: 'send',
      reason: 'new',
      detail: 'first notification',
    });
  });

  it('skips an update of a notified finding (dedup)', () => {
    const d = decide(policy(), newThrottle(), notified(), makeFinding({ count: 2 }), T0 + MIN);
    expect(d.action).toBe('skip');
  });

  it('re-notifies on a band up, not on a rise within the band', () => {
    expect(
      decide(policy(), newThrottle(), notified({ severity: 4.1 }), makeFinding({ severity: 6.9 }), T0),
    ).toMatchObject({
      action: 'skip',
    });
    expect(
      decide(policy(), newThrottle(), notified({ severity: 6.9 }), makeFinding({ severity: 7 }), T0),
    ).toEqual({
      action: 'send',
      reason: 'escalated',
      detail: 'severity medium -> high',
    });
    expect(
      decide(
        policy({ escalation: { onBandUp: false } }),
        newThrottle(),
        notified(),
        makeFinding({ severity: 9 }),
        T0,
      ),
    ).toMatchObject({ action: 'skip' });
  });

  it('re-notifies when the count passes a threshold, once', () => {
    expect(
      decide(policy(), newThrottle(), notified({ count: 9 }), makeFinding({ count: 10 }), T0),
    ).toMatchObject({
      action: 'send',
      detail: 'count passed 10',
    });
    expect(
      decide(policy(), newThrottle(), notified({ count: 10 }), makeFinding({ count: 11 }), T0).action,
    ).toBe('skip');
    expect(
      decide(policy(), newThrottle(), notified({ count: 5 }), makeFinding({ count: 150 }), T0),
    ).toMatchObject({
      detail: 'count passed 100',
    });
  });

  it('sends a reminder after dedupMinutes', () => {
    const p = policy({ dedupMinutes: 60 });
    expect(decide(p, newThrottle(), notified(), makeFinding(), T0 + 59 * MIN).action).toBe('skip');
    expect(decide(p, newThrottle(), notified(), makeFinding(), T0 + 60 * MIN)).toMatchObject({
      reason: 'reminder',
    });
  });

  it('holds for the digest during quiet hours, except at or above their minimum severity', () => {
    const p = policy({
      quietHours: { start: '11:00', end: '13:00', timeZone: 'Asia/Tokyo', minSeverity: 'high' },
    });
    expect(decide(p, newThrottle(), null, makeFinding({ severity: 5 }), T0)).toMatchObject({
      action: 'hold',
      cause: 'quiet-hours',
    });
    expect(decide(p, newThrottle(), null, makeFinding({ severity: 7 }), T0).action).toBe('send');
    expect(decide(p, newThrottle(), null, makeFinding({ severity: 5 }), T0 + 60 * MIN).action).toBe('send');
  });

  it('holds a bursting type after immediatePerType sends per digest period', () => {
    const p = policy({ digest: { minutes: 10, immediatePerType: 2 } });
    const t = newThrottle();
    const f = makeFinding();
    for (let i = 0; i < 2; i++) {
      expect(decide(p, t, null, f, T0 + i).action).toBe('send');
      recordSend(p, t, f.type, T0 + i);
    }
    expect(decide(p, t, null, f, T0 + 2)).toMatchObject({ action: 'hold', cause: 'type-burst' });
    expect(decide(p, t, null, makeFinding({ type: 'Other:Type' }), T0 + 2).action).toBe('send');
    expect(decide(p, t, null, f, T0 + 10 * MIN).action).toBe('send');
  });

  it('holds when the channel rate limit is used up, until the window moves on', () => {
    const p = policy({ rateLimit: { max: 3, perMinutes: 5 }, digest: { immediatePerType: 100 } });
    const t = newThrottle();
    for (let i = 0; i < 3; i++) recordSend(p, t, `T${i}`, T0 + i * MIN);
    expect(decide(p, t, null, makeFinding(), T0 + 3 * MIN)).toMatchObject({
      action: 'hold',
      cause: 'rate-limit',
    });
    expect(decide(p, t, null, makeFinding(), T0 + 5 * MIN + 1).action).toBe('send');
  });
});

describe('immediatePerType 0', () => {
  it('holds every finding for the digest', () => {
    const p = policy({ digest: { immediatePerType: 0 } });
    expect(decide(p, newThrottle(), null, makeFinding({ severity: 9.9 }), T0)).toMatchObject({
      action: 'hold',
      cause: 'type-burst',
    });
  });
});
