// The router attached to the real findings stage, the way the integrator will wire it.

import { describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { noAssets, noIntel } from '../engine/lookups.ts';
import { findingId, type Signal } from '../findings/finding.ts';
import { createMemoryFindingStore } from '../findings/memory-store.ts';
import { createFindingsStage } from '../findings/stage.ts';
import type { Sink } from '../sinks/sink.ts';
import { parseAlertingConfig } from './config.ts';
import type { AlertMessage } from './message.ts';
import { createMemoryOutbox } from './memory-outbox.ts';
import { createAlertRouter } from './router.ts';

function signal(windowStart: number, severity: number): Signal {
  return {
    type: 'UnauthorizedAccess:Host/SSHBruteForce',
    severity,
    resource: { ip: '10.0.0.5', id: null },
    actor: { ip: '203.0.113.9', port: null },
    role: 'target',
    discriminator: 'port:22',
    title: 'SSH brute force',
    description: 'many failed logins',
    threshold: 10,
    observed: 50,
    windowStart,
    windowEnd: windowStart + 300,
    sample: [],
    query: 'SELECT 1',
    firstSeen: windowStart,
    lastSeen: windowStart + 299,
    detail: {},
    detector: 'ssh-bruteforce',
  };
}

describe('findings stage -> alert router', () => {
  it('one message for a new finding, none for repeats and updates, one on escalation', async () => {
    const clock = manualClock(Date.parse('2026-11-20T03:00:00Z'));
    const store = createMemoryFindingStore();
    const stage = createFindingsStage({ store, clock, intel: noIntel, assets: noAssets });
    const got: AlertMessage[] = [];
    const sink: Sink = { kind: 'test', send: async (m) => void got.push(m), close: async () => {} };
    const config = parseAlertingConfig({
      channels: [{ name: 'c', kind: 'teams', url: 'https://example.test/x' }],
      routes: [{ minSeverity: 'medium', channels: ['c'] }],
    });
    const router = createAlertRouter({
      config,
      outbox: createMemoryOutbox(),
      clock,
      sinks: new Map([['c', sink]]),
    });
    const id = findingId('UnauthorizedAccess:Host/SSHBruteForce', '10.0.0.5', '203.0.113.9', 'port:22');

    const feed = async (s: Signal): Promise<void> => {
      const outcome = await stage.accept(s);
      const f = await store.get(id);
      if (f !== null) await router.onFinding(f, outcome);
      clock.advance(60_000);
    };
    const t = 1_763_600_000;
    await feed(signal(t, 5)); // new
    await feed(signal(t, 5)); // repeat (same window)
    await feed(signal(t + 300, 6)); // updated, same band
    await feed(signal(t + 600, 8)); // updated, band up
    expect(got.map((m) => (m.kind === 'finding' ? `${m.reason} ${m.finding.count}` : m.kind))).toEqual([
      'new 1',
      'escalated 3',
    ]);
  });
});
