import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import type { Finding } from '../findings/finding.ts';
import type { Sink } from '../sinks/sink.ts';
import { SinkError } from '../sinks/sink.ts';
import { startHttpReceiver, type HttpReceiver } from '../sinks/test-receivers.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from '../sinks/webhook.ts';
import { parseAlertingConfig } from './config.ts';
import { createDuckDbOutbox } from './duckdb-outbox.ts';
import { createMemoryOutbox } from './memory-outbox.ts';
import type { AlertMessage, DigestMessage, FindingMessage } from './message.ts';
import type { Outbox } from './outbox.ts';
import { createAlertRouter, type AlertRouter } from './router.ts';
import { makeFinding } from './test-findings.ts';

const T0 = Date.parse('2026-11-20T03:00:00Z'); // 12:00 Asia/Tokyo
const MIN = 60_000;
const SECRET = 'router-test-secret-0123456789';

interface Body {
  deliveryId: string;
  kind: 'finding' | 'digest';
  finding?: FindingMessage['finding'];
  reason?: string;
  total?: number;
}

/** A webhook receiver that refuses bad signatures (401); the clock is the router's. */
async function signedReceiver(clock: { now(): number }): Promise<HttpReceiver> {
  return startHttpReceiver((r) =>
    verifyWebhook(
      SECRET,
      { timestamp: String(r.headers[TIMESTAMP_HEADER]), signature: String(r.headers[SIGNATURE_HEADER]) },
      r.body,
      clock.now() / 1000,
    )
      ? undefined
      : 401,
  );
}

const bodies = (rx: HttpReceiver): Body[] => rx.requests.map((r) => JSON.parse(r.body) as Body);

function webhookConfig(
  url: string,
  channel: Record<string, unknown> = {},
  route: Record<string, unknown> = {},
) {
  return parseAlertingConfig({
    links: { baseUrl: 'https://guard.example' },
    channels: [{ name: 'hook', kind: 'webhook', url, secret: SECRET, ...channel }],
    routes: [{ channels: ['hook'], ...route }],
  });
}

/** A sink that records what it was given; `down` makes it fail like a refused connection. */
function recordingSink(): Sink & { got: AlertMessage[]; down: boolean; permanent: boolean } {
  const s = {
    kind: 'test',
    got: [] as AlertMessage[],
    down: false,
    permanent: false,
    async send(m: AlertMessage) {
      if (s.permanent) throw new SinkError('404', { retryable: false });
      if (s.down) throw new SinkError('refused', { retryable: true });
      s.got.push(m);
    },
    async close() {},
  };
  return s;
}

/** Ticks (advancing the clock) until nothing is pending; bounded. */
async function drain(
  router: AlertRouter,
  outbox: Outbox,
  clock: ReturnType<typeof manualClock>,
  stepMs = 30_000,
) {
  for (let i = 0; i < 100 && (await outbox.list({ status: 'pending' })).length > 0; i++) {
    clock.advance(stepMs);
    await router.tick();
  }
}

describe('alert router with a real webhook receiver', () => {
  const clock = manualClock(T0);
  let rx: HttpReceiver;
  beforeAll(async () => {
    rx = await signedReceiver(clock);
  });
  afterAll(() => rx.stop());

  it('delivers a high-severity finding during onFinding, signed, with the link', async () => {
    rx.requests.length = 0;
    const outbox = createMemoryOutbox();
    const router = createAlertRouter({ config: webhookConfig(rx.url), outbox, clock });
    const records = await router.onFinding(makeFinding({ severity: 8.5 }), 'new');
    expect(records).toEqual([
      expect.objectContaining({
        channel: 'hook',
        action: 'send',
        reason: 'route 1: new: first notification',
      }),
    ]);
    expect(bodies(rx)).toHaveLength(1);
    expect(bodies(rx)[0]?.finding?.link).toBe('https://guard.example/findings/f1');
    expect(await outbox.list({ status: 'delivered' })).toHaveLength(1);
    await router.close();
  });

  it('turns 1 000 findings of one noisy type in a minute into one digest message', async () => {
    rx.requests.length = 0;
    const outbox = createMemoryOutbox();
    const config = webhookConfig(rx.url, { digest: { minutes: 5, immediatePerType: 0 } });
    const router = createAlertRouter({ config, outbox, clock });
    for (let i = 0; i < 1000; i++) {
      clock.advance(60);
      await router.onFinding(
        makeFinding({ id: `noisy-${i}`, type: 'Recon:Host/Portscan', severity: 5 }),
        'new',
      );
    }
    expect(rx.requests).toHaveLength(0);
    await router.tick(); // not yet due
    expect(rx.requests).toHaveLength(0);
    clock.advance(5 * MIN);
    const t = await router.tick();
    expect(t.digests).toBe(1);
    expect(bodies(rx)).toHaveLength(1);
    expect(bodies(rx)[0]).toMatchObject({ kind: 'digest', total: 1000 });
    const digest = bodies(rx)[0] as unknown as DigestMessage;
    expect(digest.byType).toEqual([{ type: 'Recon:Host/Portscan', count: 1000, maxSeverity: 5 }]);
    // Later updates of the same findings are duplicates: nothing more is sent.
    clock.advance(MIN);
    await router.onFinding(makeFinding({ id: 'noisy-7', count: 2 }), 'updated');
    clock.advance(10 * MIN);
    await router.tick();
    expect(rx.requests).toHaveLength(1);
    const decisions = await outbox.decisions(5000);
    expect(decisions.filter((d) => d.action === 'hold')).toHaveLength(1000);
    expect(decisions[0]?.reason).toMatch(/duplicate/);
  });

  it('with the default policy a burst sends a few at once and digests the rest', async () => {
    rx.requests.length = 0;
    const outbox = createMemoryOutbox();
    const router = createAlertRouter({ config: webhookConfig(rx.url), outbox, clock });
    for (let i = 0; i < 1000; i++) {
      clock.advance(60);
      await router.onFinding(makeFinding({ id: `burst-${i}` }), 'new');
    }
    clock.advance(15 * MIN);
    await router.tick();
    const got = bodies(rx);
    expect(got.filter((b) => b.kind === 'finding')).toHaveLength(3);
    expect(got.filter((b) => b.kind === 'digest')).toEqual([expect.objectContaining({ total: 997 })]);
  });

  it('a channel down for ten minutes receives every alert exactly once when it returns', async () => {
    rx.requests.length = 0;
    const outbox = createMemoryOutbox();
    const config = webhookConfig(rx.url, { digest: { immediatePerType: 1000 }, rateLimit: { max: 1000 } });
    const router = createAlertRouter({ config, outbox, clock, random: () => 0.5 });
    await router.onFinding(makeFinding({ id: 'before' }), 'new');
    await rx.stop();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      // 20 findings over ten minutes while the receiver is gone, ticking as a server would.
      clock.advance(30_000);
      ids.push(`during-${i}`);
      await router.onFinding(makeFinding({ id: `during-${i}` }), 'new');
      await router.tick();
    }
    expect(rx.requests).toHaveLength(1);
    const failures = (await outbox.deliveries(5000)).filter((d) => !d.ok);
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((d) => d.outcome === 'retry')).toBe(true);
    await rx.start();
    await drain(router, outbox, clock);
    await router.onFinding(makeFinding({ id: 'after' }), 'new');
    const got = bodies(rx).map((b) => b.finding?.id);
    expect(got).toEqual(['before', ...ids, 'after']);
    expect(new Set(bodies(rx).map((b) => b.deliveryId)).size).toBe(got.length);
    expect(await outbox.list({ status: 'dead' })).toEqual([]);
    await router.close();
  });
});

describe('alert router decisions', () => {
  const setup = (channel: Record<string, unknown> = {}, routes?: Record<string, unknown>[]) => {
    const clock = manualClock(T0);
    const sink = recordingSink();
    const config = parseAlertingConfig({
      channels: [{ name: 'c', kind: 'teams', url: 'https://example.test/x', ...channel }],
      routes: routes ?? [{ name: 'all', channels: ['c'] }],
    });
    const outbox = createMemoryOutbox();
    const router = createAlertRouter({
      config,
      outbox,
      clock,
      sinks: new Map([['c', sink]]),
      random: () => 0,
    });
    return { clock, sink, outbox, router };
  };

  it('records a decision for unrouted and archived findings; repeats change nothing', async () => {
    const { router, outbox } = setup({}, [{ minSeverity: 'high', channels: ['c'] }]);
    expect(await router.onFinding(makeFinding({ severity: 3 }), 'new')).toEqual([
      expect.objectContaining({ channel: null, action: 'skip', reason: 'no route matched' }),
    ]);
    const archived = makeFinding({ severity: 9, status: 'archived', archivedBy: 'suppression:r1' });
    expect(await router.onFinding(archived, 'new')).toEqual([
      expect.objectContaining({ channel: null, action: 'skip', reason: 'archived (suppression:r1)' }),
    ]);
    expect(await router.onFinding(makeFinding({ severity: 9 }), 'repeat')).toEqual([]);
    expect(await outbox.decisions()).toHaveLength(2);
  });

  it('re-notifies only on escalation', async () => {
    const { router, sink } = setup();
    const f = (over: Partial<Finding>) => makeFinding({ id: 'x', ...over });
    await router.onFinding(f({ severity: 5, count: 1 }), 'new');
    await router.onFinding(f({ severity: 6.5, count: 2 }), 'updated');
    await router.onFinding(f({ severity: 7.5, count: 3 }), 'updated');
    await router.onFinding(f({ severity: 7.5, count: 9 }), 'updated');
    await router.onFinding(f({ severity: 7.5, count: 10 }), 'updated');
    expect(sink.got.map((m) => (m.kind === 'finding' ? `${m.reason} ${m.detail}` : m.kind))).toEqual([
      'new first notification',
      'escalated severity medium -> high',
      'escalated count passed 10',
    ]);
  });

  it('holds during quiet hours and sends the digest after them', async () => {
    const quietHours = { start: '11:00', end: '13:00', timeZone: 'Asia/Tokyo' };
    const { router, sink, clock } = setup({ quietHours, digest: { minutes: 10 } });
    await router.onFinding(makeFinding({ id: 'a', severity: 5 }), 'new');
    await router.onFinding(makeFinding({ id: 'b', severity: 9.5 }), 'new'); // critical passes
    expect(sink.got.map((m) => m.kind)).toEqual(['finding']);
    clock.advance(30 * MIN); // 12:30 JST: digest due but still quiet
    await router.tick();
    expect(sink.got).toHaveLength(1);
    clock.advance(31 * MIN); // 13:01 JST
    await router.tick();
    expect(sink.got.map((m) => m.kind)).toEqual(['finding', 'digest']);
    expect(sink.got[1]).toMatchObject({ kind: 'digest', total: 1 });
  });

  it('a permanent failure goes to the dead-letter list at once', async () => {
    const { router, sink, outbox } = setup();
    sink.permanent = true;
    await router.onFinding(makeFinding(), 'new');
    const dead = await outbox.list({ status: 'dead' });
    expect(dead).toHaveLength(1);
    expect(dead[0]?.attempts).toBe(1);
    expect(router.counts.dead).toBe(1);
  });

  it('a channel that never comes back dead-letters after maxAttempts', async () => {
    const { router, sink, outbox, clock } = setup();
    sink.down = true;
    await router.onFinding(makeFinding(), 'new');
    await drain(router, outbox, clock, 120_000);
    const dead = await outbox.list({ status: 'dead' });
    expect(dead).toHaveLength(1);
    expect(dead[0]?.attempts).toBe(50);
    expect(dead[0]?.lastError).toBe('refused');
  });
});

describe('alert router over DuckDB', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sg-alerts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('pending alerts and what was notified survive a restart', async () => {
    const file = path.join(dir, 'store.duckdb');
    const clock = manualClock(T0);
    const rx = await signedReceiver(clock);
    const config = webhookConfig(rx.url);
    await rx.stop();

    const db1 = await DuckDBInstance.create(file);
    const outbox1 = await createDuckDbOutbox(await db1.connect());
    const router1 = createAlertRouter({ config, outbox: outbox1, clock });
    for (const id of ['a', 'b']) await router1.onFinding(makeFinding({ id, type: `T:${id}` }), 'new');
    await router1.close();
    db1.closeSync();

    await rx.start();
    const db2 = await DuckDBInstance.create(file);
    const outbox2 = await createDuckDbOutbox(await db2.connect());
    const router2 = createAlertRouter({ config, outbox: outbox2, clock });
    await drain(router2, outbox2, clock);
    expect(bodies(rx).map((b) => b.finding?.id)).toEqual(['a', 'b']);
    // Already notified before the restart: an update is a duplicate.
    const r = await router2.onFinding(makeFinding({ id: 'a', type: 'T:a', count: 2 }), 'updated');
    expect(r[0]?.action).toBe('skip');
    expect(rx.requests).toHaveLength(2);
    await router2.close();
    db2.closeSync();
    await rx.stop();
  });
});

describe('alert router with many channels', () => {
  it('a long queue for a dead channel does not starve the others', async () => {
    const clock = manualClock(T0);
    const down = recordingSink();
    const up = recordingSink();
    down.down = true;
    const policy = { digest: { immediatePerType: 1000 }, rateLimit: { max: 1000 } };
    const config = parseAlertingConfig({
      channels: [
        { name: 'down', kind: 'teams', url: 'https://example.test/a', ...policy },
        { name: 'up', kind: 'teams', url: 'https://example.test/b', ...policy },
      ],
      routes: [{ channels: ['down'] }, { types: ['Late:*'], channels: ['up'] }],
    });
    const outbox = createMemoryOutbox();
    const sinks = new Map([
      ['down', down as Sink],
      ['up', up as Sink],
    ]);
    const router = createAlertRouter({ config, outbox, clock, sinks, batchSize: 5, random: () => 0 });
    for (let i = 0; i < 20; i++)
      await router.onFinding(makeFinding({ id: `d${i}`, type: `Early:${i}` }), 'new');
    await router.onFinding(makeFinding({ id: 'late', type: 'Late:X' }), 'new');
    clock.advance(MIN);
    await router.tick();
    expect(up.got).toHaveLength(1);
    expect(down.got).toHaveLength(0);
    expect(await outbox.list({ status: 'pending', channel: 'down' })).toHaveLength(21);
  });
});
