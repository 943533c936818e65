import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DATASETS } from '../../test/shared-datasets.ts';
import { detectFiles } from './event-harness.ts';
import { T0, detect, repeat } from './test-harness.ts';

describe('portscan', () => {
  it('vertical scan from the internet is low, with the scanner as actor', async () => {
    const fs = await detect(
      repeat(20, (k) => ({
        t: T0 + k,
        src: '203.0.113.9',
        dst: '10.0.0.5',
        sport: 40000,
        dport: 100 + k,
        action: 'reject',
      })),
    );
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({
      type: 'Recon:Host/Portscan',
      role: 'target',
      severityLabel: 'low',
      actor: { ip: '203.0.113.9' },
      resource: { ip: '10.0.0.5' },
    });
  });

  it('our host scanning across the VPC is medium and names our host', async () => {
    const fs = await detect(
      repeat(12, (k) => ({
        t: T0 + k,
        src: '10.0.0.7',
        dst: `10.0.1.${k + 1}`,
        sport: 40000 + k,
        dport: 445,
        packets: 1,
      })),
    );
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ role: 'actor', severityLabel: 'medium', resource: { ip: '10.0.0.7' } });
  });

  it('replies from many service ports are never a scan', async () => {
    const fs = await detect(
      repeat(40, (k) => ({
        t: T0 + k,
        src: '10.0.0.5',
        dst: '203.0.113.9',
        sport: 1 + k,
        dport: 40000,
        packets: 1,
      })),
    );
    expect(fs).toEqual([]);
  });

  it('successful connections to many hosts (monitoring scrapes) are not a scan', async () => {
    const fs = await detect(
      repeat(40, (k) => ({
        t: T0 + k,
        src: '10.0.0.2',
        dst: `10.0.1.${k + 1}`,
        sport: 40000 + k,
        dport: 9100,
        packets: 8,
        bytes: 6000,
      })),
    );
    expect(fs).toEqual([]);
  });

  it('stays silent below the threshold', async () => {
    const fs = await detect(
      repeat(14, (k) => ({
        t: T0 + k,
        src: '203.0.113.9',
        dst: '10.0.0.5',
        sport: 40000,
        dport: 100 + k,
        action: 'reject',
      })),
    );
    expect(fs).toEqual([]);
  });
});

const HUB = path.join(SHARED_DATASETS, 'crowdsec-hub');
describe.skipIf(!existsSync(HUB))('portscan on the CrowdSec hub firewall-log cases (shared datasets)', () => {
  // Expected attackers from each case's scenario.assert (iptables LOG and pf filterlog lines).
  it.each([
    ['iptables-scan-multi-port', ['127.0.0.2', '62.34.17.168']],
    ['pf-scan-multi-port', ['10.0.2.2']],
  ])('%s gives the expected scanner', async (name, want) => {
    const { findings } = await detectFiles([path.join(HUB, name, `${name}.log`)]);
    expect(
      findings
        .filter((f) => f.type === 'Recon:Host/Portscan')
        .map((f) => f.actor.ip)
        .sort(),
    ).toEqual(want);
  });
});
