import { describe, expect, it } from 'vitest';
import { T0, detect, repeat } from './test-harness.ts';

describe('dos-outbound and inbound-flood', () => {
  it('our host flooding a public address with UDP to port 53 is DenialOfService.Dns', async () => {
    const fs = await detect(
      repeat(50, (k) => ({
        t: T0 + 1,
        src: '10.0.0.5',
        dst: '198.51.100.1',
        sport: 30000 + k,
        dport: 53,
        proto: 17,
        packets: 100,
        bytes: 6000,
      })),
    );
    expect(fs).toMatchObject([
      {
        type: 'Backdoor:Host/DenialOfService.Dns',
        role: 'actor',
        severityLabel: 'high',
        resource: { ip: '10.0.0.5' },
      },
    ]);
  });

  it('a SYN flood on one of our hosts is InboundFlood (medium)', async () => {
    const fs = await detect(
      repeat(50, (k) => ({
        t: T0 + 1,
        src: '198.51.100.1',
        dst: '10.0.0.5',
        sport: 30000 + k,
        dport: 443,
        packets: 100,
        bytes: 4000,
      })),
    );
    expect(fs).toMatchObject([
      {
        type: 'Impact:Host/InboundFlood',
        role: 'target',
        severityLabel: 'medium',
        actor: { ip: '198.51.100.1' },
      },
    ]);
  });

  it('a bulk transfer of large packets (backup) is not a flood', async () => {
    const fs = await detect(
      repeat(50, (k) => ({
        t: T0 + 1,
        src: '10.0.0.5',
        dst: '198.51.100.1',
        sport: 30000 + k,
        dport: 443,
        packets: 1000,
        bytes: 1_400_000,
      })),
    );
    expect(fs.filter((f) => f.type.includes('DenialOfService'))).toEqual([]);
  });

  it('a fast scan over many ports is a scan, not a flood', async () => {
    const fs = await detect(
      repeat(2000, (k) => ({
        t: T0 + (k % 50),
        src: '198.51.100.1',
        dst: '10.0.0.5',
        sport: 61000,
        dport: 1 + k,
        action: 'reject',
      })),
    );
    expect(fs.map((f) => f.type)).toEqual(['Recon:Host/Portscan']);
  });
});
