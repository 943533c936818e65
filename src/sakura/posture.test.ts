import { afterEach, describe, expect, it } from 'vitest';
import { createSakuraClient } from './client.ts';
import { fetchSnapshot } from './inventory.ts';
import { auditSakuraApi, fetchPacketFilters } from './posture.ts';
import { DOUBLE_SECRET, DOUBLE_TOKEN, type SakuraDouble, startSakuraDouble } from './testdata/double.ts';
import { OPEN_FILTER_ID, ROUTER_IDS, STRICT_FILTER_ID, fixtureZones } from './testdata/fixture.ts';

let double: SakuraDouble | null = null;
afterEach(async () => {
  await double?.close();
  double = null;
});

describe('posture from the Sakura API', () => {
  it("flags the double's open packet filters, unfiltered shared servers and silent router rules", async () => {
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
    const snapshots = [await fetchSnapshot(client, 'is1a'), await fetchSnapshot(client, 'tk1a')];
    const report = auditSakuraApi({ snapshots, packetFilters: await fetchPacketFilters(client) });
    const at = (file: string): string[] =>
      report.findings.filter((f) => f.file === file).map((f) => `${f.line} ${f.checkId}`);
    const open = `sakura-api://is1a/packetfilter/${OPEN_FILTER_ID}`;
    expect(at(open)).toEqual(expect.arrayContaining(['3 SAKURA-PF-NO-DEFAULT-DENY']));
    expect(
      report.findings
        .filter((f) => f.file === open && f.line === 1)
        .map((f) => f.checkId)
        .join(' '),
    ).toMatch(/SSH|ADMIN/);
    const mysql = report.findings.find(
      (f) => f.file === open && f.line === 3 && f.checkId !== 'SAKURA-PF-NO-DEFAULT-DENY',
    );
    expect(mysql?.severity).toBe('critical'); // a database port open to the internet on a public filter
    // The strict filter (443, replies, deny all) is clean apart from the intended 443.
    expect(at(`sakura-api://is1a/packetfilter/${STRICT_FILTER_ID}`)).not.toContain(
      '3 SAKURA-PF-NO-DEFAULT-DENY',
    );
    const unfiltered = report.findings.filter((f) => f.checkId === 'SAKURA-SERVER-NO-PACKET-FILTER');
    expect(unfiltered.map((f) => f.resource).sort()).toEqual([
      'server is1a-bare-32',
      'server is1a-bare-33',
      'server is1a-bare-34',
      'server tk1a-bare-10',
      'server tk1a-bare-11',
    ]);
    expect(at(`sakura-api://is1a/appliance/${ROUTER_IDS[0]}/firewall/0/receive`)).toEqual(
      expect.arrayContaining(['1 SAKURA-ROUTER-FW-LOGGING-OFF']),
    );
    expect(at(`sakura-api://is1a/appliance/${ROUTER_IDS[0]}/firewall/0/receive`)).not.toContain(
      '2 SAKURA-ROUTER-FW-LOGGING-OFF',
    );
  });
});
