import { describe, expect, it } from 'vitest';
import { T0, detect, repeat } from './test-harness.ts';

describe('port-probe', () => {
  it('an accepted internet probe of a database port is high; a rejected one is nothing', async () => {
    const ok = await detect([
      { t: T0, src: '203.0.113.9', dst: '10.0.0.5', sport: 40000, dport: 6379, packets: 3, bytes: 180 },
    ]);
    expect(ok).toMatchObject([
      { type: 'Recon:Host/PortProbeUnprotectedPort', severityLabel: 'high', actor: { ip: '203.0.113.9' } },
    ]);
    const blocked = await detect([
      { t: T0, src: '203.0.113.9', dst: '10.0.0.5', sport: 40000, dport: 6379, action: 'reject' },
    ]);
    expect(blocked).toEqual([]);
  });
});

describe('port-sweep', () => {
  it('our host hitting one port across many public addresses that do not answer', async () => {
    const fs = await detect(
      repeat(60, (k) => ({
        t: T0 + k,
        src: '10.0.0.5',
        dst: `198.51.${k}.1`,
        sport: 40000 + k,
        dport: 23,
        packets: 1,
        bytes: 60,
      })),
    );
    expect(fs).toMatchObject([{ type: 'Impact:Host/PortSweep', role: 'actor', severityLabel: 'high' }]);
  });

  it('a crawler whose connections succeed is not a sweep', async () => {
    const fs = await detect(
      repeat(60, (k) => ({
        t: T0 + k,
        src: '10.0.0.5',
        dst: `198.51.${k}.1`,
        sport: 40000 + k,
        dport: 443,
        packets: 15,
        bytes: 2000,
      })),
    );
    expect(fs).toEqual([]);
  });
});
