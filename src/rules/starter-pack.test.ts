// The starter pack (rules/ at the repository root): it loads without problems, and each rule
// fires on the traffic it is about and stays quiet on the traffic it allows.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../core/records.ts';
import { batchOf, type TestFlow } from '../engine/test-flows.ts';
import { loadRules } from './load.ts';
import { createLocalRun } from './run-local.ts';
import { T0 } from './testdata.ts';

const PACK = path.join(import.meta.dirname, '../../rules');
const loaded = loadRules([PACK]);

function fired(flows: TestFlow[], events: LogEvent[] = []): string[] {
  const run = createLocalRun(loaded.rules);
  if (flows.length > 0) run.onFlows(batchOf(flows));
  for (const e of events) run.onEvent(e);
  return [...new Set(run.finish().signals.map((s) => String(s.detail.rule)))].sort();
}

const flow = (src: string, dst: string, dport: number, extra: Partial<TestFlow> = {}): TestFlow => ({
  t: T0,
  src,
  dst,
  sport: 50000,
  dport,
  ...extra,
});

function ssh(outcome: string, t: number, src = '198.51.100.7'): LogEvent {
  return {
    time: t,
    kind: 'auth',
    outcome,
    src_ip: src,
    src_port: 40000,
    dst_ip: null,
    dst_port: 22,
    user: 'root',
    message: `${outcome} password for root`,
    source: 'sshd',
    host: 'web-1',
    fields: {},
  };
}

describe('starter pack', () => {
  it('loads with no problems, every rule tagged and described', () => {
    expect(loaded.problems).toEqual([]);
    expect(loaded.rules.map((r) => r.id).sort()).toEqual([
      'sg-any-flow',
      'sg-database-from-outside',
      'sg-many-ports',
      'sg-prod-stage-crossing',
      'sg-smtp-outbound',
      'sg-ssh-burst-then-success',
      'sg-ssh-failed',
      'sg-ssh-outside-management',
      'sg-ssh-success',
    ]);
  });

  it('database and cache ports reached from outside', () => {
    expect(fired([flow('203.0.113.5', '10.0.1.20', 5432)])).toEqual(['sg-database-from-outside']);
    expect(fired([flow('10.0.2.9', '10.0.1.20', 5432)])).toEqual([]);
    expect(fired([flow('203.0.113.5', '10.0.1.20', 6379, { action: 'reject' })])).toEqual([]);
  });

  it('SSH from outside the management network', () => {
    expect(fired([flow('10.0.7.3', '10.0.1.20', 22)])).toEqual(['sg-ssh-outside-management']);
    expect(fired([flow('10.0.100.4', '10.0.1.20', 22)])).toEqual([]);
  });

  it('traffic between production and staging, the shared resolver allowed', () => {
    expect(fired([flow('10.1.4.4', '10.2.0.9', 8080)])).toEqual(['sg-prod-stage-crossing']);
    expect(fired([flow('10.2.0.9', '10.1.4.4', 443)])).toEqual(['sg-prod-stage-crossing']);
    expect(fired([flow('10.2.0.9', '10.1.0.53', 53, { proto: 17 })])).toEqual([]);
    expect(fired([flow('10.1.4.4', '10.1.0.9', 8080)])).toEqual([]);
  });

  it('outbound SMTP, except from the mail relay', () => {
    expect(fired([flow('10.0.3.3', '198.51.100.25', 25)])).toEqual(['sg-smtp-outbound']);
    expect(fired([flow('10.0.5.10', '198.51.100.25', 587)])).toEqual([]);
    expect(fired([flow('10.0.3.3', '10.0.5.10', 25)])).toEqual([]);
  });

  it('more than 20 distinct ports from one source in a minute', () => {
    const scan = Array.from({ length: 21 }, (_, k) =>
      flow('203.0.113.9', '10.9.0.1', 1000 + k, { t: T0 + k }),
    );
    expect(fired(scan)).toEqual(['sg-many-ports']);
    expect(fired(scan.slice(0, 20))).toEqual([]);
  });

  it('an SSH failure burst followed by a success from the same address', () => {
    const fails = [0, 10, 20, 30, 40].map((d) => ssh('failure', T0 + d));
    expect(fired([], [...fails, ssh('success', T0 + 100)])).toEqual(['sg-ssh-burst-then-success']);
    // Success before the fifth failure, or from another address: no.
    expect(fired([], [...fails.slice(0, 4), ssh('success', T0 + 35), fails[4]!])).toEqual([]);
    expect(fired([], [...fails, ssh('success', T0 + 100, '198.51.100.8')])).toEqual([]);
  });
});
