// A detector signal for the findings tests: a vertical port scan of 10.0.0.5 from 203.0.113.9.

import type { Signal } from './finding.ts';

export function testSignal(over: Partial<Signal> = {}): Signal {
  return {
    type: 'Recon:Host/Portscan',
    severity: 2,
    resource: { ip: '10.0.0.5', id: 'eni-1' },
    actor: { ip: '203.0.113.9', port: null },
    role: 'target',
    discriminator: 'vertical',
    title: 't',
    description: 'd',
    threshold: 15,
    observed: 20,
    windowStart: 1000,
    windowEnd: 1300,
    sample: [],
    query: 'SELECT 1',
    firstSeen: 1010,
    lastSeen: 1100,
    detail: {},
    detector: 'portscan',
    ...over,
  };
}
