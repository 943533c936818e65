import { describe, expect, it } from 'vitest';
import { createListIntel } from '../engine/lookups.ts';
import { T0, detect, repeat } from './test-harness.ts';

const intel = createListIntel(
  [
    { name: 'ops-threats', kind: 'threat', entries: ['198.51.100.0/24'] },
    { name: 'tor', kind: 'tor-relay', entries: ['192.0.2.0/24'] },
    { name: 'pools', kind: 'mining-pool', entries: ['203.0.113.50'] },
  ],
  ['198.51.100.99'],
);

describe('threat-intel', () => {
  it('names the list that matched', async () => {
    const fs = await detect(
      [{ t: T0, src: '10.0.0.5', dst: '198.51.100.7', sport: 40000, dport: 443, packets: 5, bytes: 900 }],
      {},
      intel,
    );
    expect(fs).toMatchObject([
      {
        type: 'UnauthorizedAccess:Host/MaliciousIPCaller.Custom',
        intelList: 'ops-threats',
        role: 'actor',
        severityLabel: 'medium',
      },
    ]);
  });
  it('trusted wins over the threat list', async () => {
    const fs = await detect(
      [{ t: T0, src: '10.0.0.5', dst: '198.51.100.99', sport: 40000, dport: 443, packets: 5, bytes: 900 }],
      {},
      intel,
    );
    expect(fs).toEqual([]);
  });
  it('our host connecting to a Tor node is TorClient (high)', async () => {
    const fs = await detect(
      [{ t: T0, src: '10.0.0.5', dst: '192.0.2.4', sport: 40000, dport: 9001, packets: 40, bytes: 9000 }],
      {},
      intel,
    );
    expect(fs).toMatchObject([{ type: 'UnauthorizedAccess:Host/TorClient', severityLabel: 'high' }]);
  });
});

describe('mining-pool', () => {
  it('a listed pool is found at once; a stratum port needs the long-lived shape', async () => {
    const listed = await detect(
      [{ t: T0, src: '10.0.0.5', dst: '203.0.113.50', sport: 40000, dport: 443, packets: 4, bytes: 600 }],
      {},
      intel,
    );
    expect(listed).toMatchObject([{ type: 'CryptoCurrency:Host/MiningPoolConnection', intelList: 'pools' }]);
    const shaped = await detect(
      repeat(20, (k) => ({
        t: T0 + k * 60,
        src: '10.0.0.5',
        dst: '203.0.113.60',
        sport: 40000,
        dport: 3333,
        packets: 4,
        bytes: 600,
      })),
    );
    expect(shaped.map((f) => f.type)).toContain('CryptoCurrency:Host/MiningPoolConnection');
    const brief = await detect([
      { t: T0, src: '10.0.0.5', dst: '203.0.113.60', sport: 40000, dport: 3333, packets: 4, bytes: 600 },
    ]);
    expect(brief).toEqual([]);
  });
});
