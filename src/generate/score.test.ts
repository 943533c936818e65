import { describe, expect, it } from 'vitest';
import { sampleFinding } from '../findings/store-contract.ts';
import { scoreFindings } from './score.ts';

describe('scoreFindings', () => {
  const label = {
    name: 'scan',
    type: 'Recon:Host/Portscan',
    actor: '203.0.113.9',
    resource: '10.0.0.1',
    start: Date.parse('2026-11-20T00:01:00Z') / 1000,
    end: Date.parse('2026-11-20T00:02:00Z') / 1000,
  };
  it('counts true and false positives, misses and trusted findings', () => {
    const tp = sampleFinding({ id: 'a' });
    const fp = sampleFinding({ id: 'b', actor: { ip: '198.51.100.1', port: null } });
    const s = scoreFindings(
      [tp, fp],
      [label, { ...label, name: 'other', type: 'Impact:Host/PortSweep' }],
      ['198.51.100.1'],
    );
    expect(s.found).toBe(1);
    expect(s.missed.map((m) => m.name)).toEqual(['other']);
    expect(s.perDetector['portscan']).toEqual({ tp: 1, fp: 1, fpHigh: 1 });
    expect(s.precisionMedium).toBe(0.5);
    expect(s.trustedFindings.map((f) => f.id)).toEqual(['b']);
  });
});
