// Findings and messages for the alerting tests.

import { severityLabel, type Finding } from '../findings/finding.ts';
import { messageFor, type AlertMessage } from './message.ts';

export function makeFinding(over: Partial<Finding> = {}): Finding {
  const severity = over.severity ?? 5;
  return {
    id: 'f1',
    type: 'Recon:Host/Portscan',
    severity,
    severityLabel: severityLabel(severity),
    title: 'Port scan of web-1 from 203.0.113.9',
    description: '203.0.113.9 probed 40 ports of 10.0.0.5 in 5 minutes.',
    resource: { ip: '10.0.0.5', name: 'web-1', id: 'eni-1' },
    actor: { ip: '203.0.113.9', port: null },
    role: 'target',
    count: 1,
    firstSeen: '2026-11-20T00:00:00Z',
    lastSeen: '2026-11-20T00:05:00Z',
    evidence: { threshold: 15, observed: 40, window: '5m', sample: [], query: 'SELECT 1' },
    status: 'active',
    archivedBy: null,
    intelList: null,
    detector: 'portscan',
    detail: {},
    windows: [0],
    createdAt: 0,
    updatedAt: 0,
    ...over,
  };
}

export function findingMessage(
  over: Partial<Finding> = {},
  link: string | null = 'https://guard.example/',
): AlertMessage {
  return messageFor(makeFinding(over), 'new', 'first notification', link);
}
