import { describe, expect, it } from 'vitest';
import { T0, detect, repeat } from './test-harness.ts';

describe('bruteforce', () => {
  it('many SSH sessions from one outside source: low, we are the target', async () => {
    const fs = await detect(
      repeat(10, (k) => ({
        t: T0 + k * 10,
        src: '203.0.113.9',
        dst: '10.0.0.6',
        sport: 40000 + k,
        dport: 22,
        packets: 12,
        bytes: 1800,
      })),
    );
    expect(fs.filter((f) => f.type === 'UnauthorizedAccess:Host/SSHBruteForce')).toMatchObject([
      { role: 'target', severityLabel: 'low', actor: { ip: '203.0.113.9' } },
    ]);
  });

  it('our host brute-forcing RDP is high; ports are configurable', async () => {
    const fs = await detect(
      repeat(10, (k) => ({
        t: T0 + k,
        src: '10.0.0.8',
        dst: '10.0.3.3',
        sport: 40000 + k,
        dport: 3389,
        packets: 10,
        bytes: 1500,
      })),
    );
    expect(fs).toMatchObject([
      { type: 'UnauthorizedAccess:Host/RDPBruteForce', role: 'actor', severityLabel: 'high' },
    ]);
    const custom = await detect(
      repeat(10, (k) => ({
        t: T0 + k,
        src: '203.0.113.9',
        dst: '10.0.0.6',
        sport: 40000 + k,
        dport: 2222,
        packets: 12,
        bytes: 1800,
      })),
      {
        detectors: {
          bruteforce: {
            services: [{ port: 2222, type: 'UnauthorizedAccess:Host/SSHBruteForce', name: 'SSH' }],
          },
        },
      },
    );
    expect(custom.map((f) => f.type)).toEqual(['UnauthorizedAccess:Host/SSHBruteForce']);
  });

  it('one long session seen in many records is not a brute force', async () => {
    const fs = await detect(
      repeat(20, (k) => ({
        t: T0 + k * 60,
        src: '203.0.113.9',
        dst: '10.0.0.6',
        sport: 40000,
        dport: 22,
        packets: 100,
        bytes: 9000,
      })),
    );
    expect(fs.filter((f) => f.type.includes('BruteForce'))).toEqual([]);
  });
});
