import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEvent } from '../core/records.ts';
import { createSakuraClient } from './client.ts';
import { SESSION_SOURCE } from './session-analysis.ts';
import { listRouters, pollRouter, readRouterState, unseenLines, writeRouterState } from './router-poll.ts';
import { DOUBLE_SECRET, DOUBLE_TOKEN, type SakuraDouble, startSakuraDouble } from './testdata/double.ts';
import { ROUTER_IDS, fixtureZones } from './testdata/fixture.ts';

let double: SakuraDouble | null = null;
afterEach(async () => {
  await double?.close();
  double = null;
});

const line = (n: number, src = `203.0.113.${n}`): string =>
  `Nov 23 10:00:${String(n).padStart(2, '0')} vpc-is1a kernel: [FW-DROP] IN=eth0 OUT= SRC=${src} DST=198.51.100.200 LEN=60 PROTO=TCP SPT=40000 DPT=22 SYN`;

describe('unseenLines', () => {
  it('returns only what follows the overlap, repeated identical lines included', () => {
    expect(unseenLines([], ['a', 'b'])).toEqual({ lines: ['a', 'b'], gap: false });
    expect(unseenLines(['a', 'b', 'c'], ['b', 'c', 'd'])).toEqual({ lines: ['d'], gap: false });
    expect(unseenLines(['a', 'a'], ['a', 'a', 'a'])).toEqual({ lines: ['a'], gap: false });
    expect(unseenLines(['a', 'b'], ['a', 'b'])).toEqual({ lines: [], gap: false });
    expect(unseenLines(['a', 'b'], ['x', 'y'])).toEqual({ lines: ['x', 'y'], gap: true });
  });
});

describe('router status polling against the double', () => {
  it('produces each log line once across polls and restarts, through the syslog parser', async () => {
    double = await startSakuraDouble(fixtureZones());
    const client = createSakuraClient({
      settings: {
        accessToken: DOUBLE_TOKEN,
        accessTokenSecret: DOUBLE_SECRET,
        zones: ['is1a', 'tk1a'],
        apiRootUrl: double.rootUrl,
        origin: 't',
      },
      rateLimitPerSecond: 1000,
      retryMax: 0,
      timeoutMs: 5000,
    });
    const routers = await listRouters(client, []);
    expect(routers.map((r) => r.name)).toEqual(['vpc-is1a', 'vpc-tk1a']);
    const router = routers[0]!;
    const status = double.zones.get('is1a')!.status.get(ROUTER_IDS[0])!;
    status.FirewallReceiveLogs = [line(1), line(2), line(3)];
    status.SessionCount = 12;
    status.SessionAnalysis = { SourceAddress: [{ name: '203.0.113.1', count: 9 }] };
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sg-router-'));
    const state = await readRouterState(dir);
    const first = await pollRouter(client, router, state, Date.UTC(2026, 10, 23, 10, 1));
    const firewall = (r: typeof first): LogEvent[] => r.output.events.filter((e) => e.kind === 'firewall');
    expect(firewall(first).map((e) => e.src_ip)).toEqual(['203.0.113.1', '203.0.113.2', '203.0.113.3']);
    expect(first.output.events.filter((e) => e.source === SESSION_SOURCE)).toEqual([
      expect.objectContaining({
        outcome: 'session-stat',
        src_ip: '203.0.113.1',
        host: 'vpc-is1a',
        fields: expect.objectContaining({ stat: 'source-address', count: 9, session_count: 12 }),
      }),
    ]);
    expect(first.output.events[0]).toMatchObject({
      host: 'vpc-is1a',
      outcome: 'blocked',
      dst_port: 22,
      kind: 'firewall',
    });
    expect(first.output.events[0]!.fields).toMatchObject({
      router_id: ROUTER_IDS[0],
      zone: 'is1a',
      direction: 'receive',
    });
    expect(first).toMatchObject({ sessionCount: 12, topSources: [{ name: '203.0.113.1', count: 9 }] });
    // The same window polled again: nothing new.
    expect(
      (await pollRouter(client, router, state, Date.UTC(2026, 10, 23, 10, 2))).output.events,
    ).toHaveLength(0);
    // The window slides; a restart reads the saved state.
    await writeRouterState(dir, state);
    status.FirewallReceiveLogs = [line(2), line(3), line(4), line(5)];
    const restarted = await readRouterState(dir);
    const third = await pollRouter(client, router, restarted, Date.UTC(2026, 10, 23, 10, 3));
    expect(third.output.events.map((e) => e.src_ip)).toEqual(['203.0.113.4', '203.0.113.5']);
    // A changed session analysis is recorded whole, once.
    status.SessionAnalysis = {
      SourceAddress: [{ name: '203.0.113.1', count: 11 }],
      DestinationPort: [{ name: '22', count: 7 }],
      SourceAndDestination: [
        { name: '203.0.113.1 -> 192.168.20.10', count: 5 },
        { name: 'odd', count: 1 },
      ],
    };
    const fourth = await pollRouter(client, router, restarted, Date.UTC(2026, 10, 23, 10, 4));
    expect(fourth.output.events.map((e) => [e.fields.stat, e.src_ip, e.dst_ip, e.dst_port])).toEqual([
      ['source-address', '203.0.113.1', null, null],
      ['destination-port', null, null, 22],
      ['source-and-destination', '203.0.113.1', '192.168.20.10', null],
      ['source-and-destination', null, null, null],
    ]);
    expect(fourth.output.events[0]!.time).toBe(Date.UTC(2026, 10, 23, 10, 4) / 1000);
    expect(
      (await pollRouter(client, router, restarted, Date.UTC(2026, 10, 23, 10, 5))).output.events,
    ).toHaveLength(0);
    expect(third.gap).toBe(false);
  });

  it('quarantines lines of an unknown shape with their origin', async () => {
    double = await startSakuraDouble(fixtureZones());
    const client = createSakuraClient({
      settings: {
        accessToken: DOUBLE_TOKEN,
        accessTokenSecret: DOUBLE_SECRET,
        zones: ['is1a'],
        apiRootUrl: double.rootUrl,
        origin: 't',
      },
      rateLimitPerSecond: 1000,
      retryMax: 0,
      timeoutMs: 5000,
    });
    double.zones
      .get('is1a')!
      .status.set(ROUTER_IDS[0], { FirewallReceiveLogs: ['garbage without addresses', line(7)] });
    const r = await pollRouter(client, { zone: 'is1a', id: ROUTER_IDS[0], name: 'vpc-is1a' }, {}, 0);
    expect(r.output.events).toHaveLength(1);
    expect(r.output.rejections).toEqual([
      expect.objectContaining({ file: 'sakura-api:vpc-is1a/receive', line: 1, reason: 'unknown-format' }),
    ]);
  });
});
