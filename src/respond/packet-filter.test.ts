import { afterEach, describe, expect, it } from 'vitest';
import { type SakuraClient, createSakuraClient } from '../sakura/client.ts';
import {
  DOUBLE_SECRET,
  DOUBLE_TOKEN,
  type SakuraDouble,
  startSakuraDouble,
} from '../sakura/testdata/double.ts';
import { FULL_FILTER_ID, OPEN_FILTER_ID, OPEN_RULES, fixtureZones } from '../sakura/testdata/fixture.ts';
import {
  createPacketFilterResponder,
  parseRuleTag,
  removeExpiredRules,
  rollbackFilter,
} from './packet-filter.ts';
import type { ResponseTarget } from './responder.ts';

let double: SakuraDouble | null = null;
afterEach(async () => {
  await double?.close();
  double = null;
});

async function setup(): Promise<{ d: SakuraDouble; client: SakuraClient }> {
  const d = await startSakuraDouble(fixtureZones());
  double = d;
  const client = createSakuraClient({
    settings: {
      accessToken: DOUBLE_TOKEN,
      accessTokenSecret: DOUBLE_SECRET,
      zones: ['is1a'],
      apiRootUrl: d.rootUrl,
      origin: 't',
    },
    rateLimitPerSecond: 1000,
    retryMax: 0,
    timeoutMs: 5000,
  });
  return { d, client };
}

const T0 = Date.UTC(2026, 10, 23, 12);
const target = (ip: string, actionId = 'ra-0001'): ResponseTarget => ({
  actionId,
  ip,
  findingId: 'f-1',
  findingType: 'Recon:EC2/Portscan',
  expiresAtMs: T0 + 3_600_000,
  durationSeconds: 3600,
});
const filter = (d: SakuraDouble, id: string) =>
  d.zones.get('is1a')!.packetFilters.find((f) => String(f.ID) === id)!;

describe('Sakura packet-filter responder (against the API double)', () => {
  it('reads the filter, puts a tagged deny on top and PUTs the whole list with the hash it read', async () => {
    const { d, client } = await setup();
    const r = createPacketFilterResponder(
      { kind: 'sakura-packet-filter', name: 'pf', zone: 'is1a', packetFilterIds: [OPEN_FILTER_ID] },
      client,
    );
    const hashBefore = filter(d, OPEN_FILTER_ID).ExpressionHash;
    const state = await r.apply(target('203.0.113.66'));
    const pf = filter(d, OPEN_FILTER_ID);
    expect(pf.Expression![0]).toEqual({
      Protocol: 'ip',
      SourceNetwork: '203.0.113.66',
      SourcePort: '',
      DestinationPort: '',
      Action: 'deny',
      Description: `sakura-guard:ra-0001:${(T0 + 3_600_000) / 1000}`,
    });
    expect(pf.Expression!.slice(1)).toEqual(OPEN_RULES);
    const put = d.requests.find((q) => q.method === 'PUT')!;
    expect(put.body).toMatchObject({ OriginalExpressionHash: hashBefore });
    expect(pf.ExpressionHash).not.toBe(hashBefore);
    expect(state).toEqual({ previous: { [OPEN_FILTER_ID]: OPEN_RULES } });
    expect(parseRuleTag(pf.Expression![0]!.Description)).toEqual({
      actionId: 'ra-0001',
      expiresAtMs: T0 + 3_600_000,
    });
    // A second action on the same address does not add a second rule.
    await r.apply(target('203.0.113.66', 'ra-0002'));
    expect(filter(d, OPEN_FILTER_ID).Expression).toHaveLength(OPEN_RULES.length + 1);
    // Undo removes only its own rule.
    await r.undo(target('203.0.113.66'), state);
    expect(filter(d, OPEN_FILTER_ID).Expression).toEqual(OPEN_RULES);
  });

  it('refuses a filter that already holds 30 rules and leaves it untouched', async () => {
    const { d, client } = await setup();
    const r = createPacketFilterResponder(
      { kind: 'sakura-packet-filter', name: 'pf', zone: 'is1a', packetFilterIds: [FULL_FILTER_ID] },
      client,
    );
    await expect(r.apply(target('203.0.113.66'))).rejects.toThrow(/already has 30 rules \(the limit is 30\)/);
    expect(filter(d, FULL_FILTER_ID).Expression).toHaveLength(30);
    expect(d.requests.filter((q) => q.method === 'PUT')).toHaveLength(0);
  });

  it('refuses IPv6 addresses (packet filters take IPv4 networks) without touching the filter', async () => {
    const { d, client } = await setup();
    const r = createPacketFilterResponder(
      { kind: 'sakura-packet-filter', name: 'pf', zone: 'is1a', packetFilterIds: [OPEN_FILTER_ID] },
      client,
    );
    await expect(r.apply(target('2001:db8::66'))).rejects.toThrow(/take IPv4 source networks/);
    expect(d.requests).toHaveLength(0);
  });

  it('re-reads when someone else changed the filter in between, keeping the other change', async () => {
    const { d, client } = await setup();
    let intercepted = false;
    const racing: SakuraClient = {
      ...client,
      zones: client.zones,
      sent: 0,
      findAll: client.findAll.bind(client),
      async request<T>(
        method: 'GET' | 'POST' | 'PUT' | 'DELETE',
        zone: string,
        p: string,
        body?: unknown,
      ): Promise<T> {
        const res = await client.request<T>(method, zone, p, body);
        if (method === 'GET' && !intercepted) {
          intercepted = true; // another operator saves the filter right after our read
          const pf = filter(d, OPEN_FILTER_ID);
          pf.Expression = [...pf.Expression!, { Protocol: 'udp', DestinationPort: '53', Action: 'allow' }];
          pf.ExpressionHash = 'changed-by-someone-else';
        }
        return res;
      },
    };
    const r = createPacketFilterResponder(
      { kind: 'sakura-packet-filter', name: 'pf', zone: 'is1a', packetFilterIds: [OPEN_FILTER_ID] },
      racing,
    );
    await r.apply(target('203.0.113.77'));
    const rules = filter(d, OPEN_FILTER_ID).Expression!;
    expect(rules[0]!.SourceNetwork).toBe('203.0.113.77');
    expect(rules.at(-1)).toMatchObject({ Protocol: 'udp', DestinationPort: '53' });
    expect(d.requests.filter((q) => q.method === 'PUT')).toHaveLength(2); // 409, then success
  });

  it('removes expired tagged rules and rolls a filter back to the kept list', async () => {
    const { d, client } = await setup();
    const r = createPacketFilterResponder(
      { kind: 'sakura-packet-filter', name: 'pf', zone: 'is1a', packetFilterIds: [OPEN_FILTER_ID] },
      client,
    );
    const state = await r.apply(target('203.0.113.66'));
    expect(await removeExpiredRules(client, 'is1a', OPEN_FILTER_ID, T0)).toBe(0);
    expect(await removeExpiredRules(client, 'is1a', OPEN_FILTER_ID, T0 + 3_600_001)).toBe(1);
    expect(filter(d, OPEN_FILTER_ID).Expression).toEqual(OPEN_RULES);
    await r.apply(target('203.0.113.99', 'ra-0003'));
    await rollbackFilter(
      client,
      'is1a',
      OPEN_FILTER_ID,
      (state.previous as Record<string, typeof OPEN_RULES>)[OPEN_FILTER_ID]!,
    );
    expect(filter(d, OPEN_FILTER_ID).Expression).toEqual(OPEN_RULES);
  });
});
