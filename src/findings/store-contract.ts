// The contract every FindingStore passes (memory and DuckDB): run from store.test.ts.

import { describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import type { Finding } from './finding.ts';
import { addSuppression, archiveFindings, previewSuppression, removeSuppression } from './lifecycle.ts';
import type { FindingStore } from './store.ts';

export function sampleFinding(over: Partial<Finding> = {}): Finding {
  return {
    id: 'f1',
    type: 'Recon:Host/Portscan',
    severity: 5,
    severityLabel: 'medium',
    title: 't',
    description: 'd',
    resource: { ip: '10.0.0.1', name: 'web1', id: 'eni-1' },
    actor: { ip: '203.0.113.9', port: null },
    role: 'target',
    count: 1,
    firstSeen: '2026-11-20T00:00:00Z',
    lastSeen: '2026-11-20T00:05:00Z',
    evidence: { threshold: 15, observed: 40, window: '5m', sample: ['x'], query: 'SELECT 1' },
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

export function findingStoreContract(name: string, open: () => Promise<FindingStore>): void {
  describe(`FindingStore contract: ${name}`, () => {
    it('puts, gets and replaces by id', async () => {
      const s = await open();
      expect(await s.get('f1')).toBeNull();
      await s.put(sampleFinding());
      expect((await s.get('f1'))?.evidence.observed).toBe(40);
      await s.put(sampleFinding({ count: 3 }));
      expect((await s.list()).length).toBe(1);
      expect((await s.get('f1'))?.count).toBe(3);
    });

    it('lists with filters, highest severity first', async () => {
      const s = await open();
      await s.put(sampleFinding({ id: 'a', severity: 2, type: 'Recon:Host/Portscan' }));
      await s.put(sampleFinding({ id: 'b', severity: 8, type: 'Impact:Host/PortSweep' }));
      await s.put(
        sampleFinding({
          id: 'c',
          severity: 5,
          type: 'UnauthorizedAccess:Host/SSHBruteForce',
          status: 'archived',
        }),
      );
      expect((await s.list()).map((f) => f.id)).toEqual(['b', 'c', 'a']);
      expect((await s.list({ minSeverity: 4 })).map((f) => f.id)).toEqual(['b', 'c']);
      expect((await s.list({ type: 'recon:*' })).map((f) => f.id)).toEqual(['a']);
      expect((await s.list({ status: 'active' })).map((f) => f.id)).toEqual(['b', 'a']);
    });

    it('suppression: preview, retroactive archive, undo on removal', async () => {
      const s = await open();
      const clock = manualClock(1000);
      await s.put(sampleFinding({ id: 'a', actor: { ip: '203.0.113.9', port: null } }));
      await s.put(sampleFinding({ id: 'b', actor: { ip: '198.51.100.1', port: null } }));
      expect(await previewSuppression(s, { actorIp: '203.0.113.0/24' })).toBe(1);
      const { rule, archived } = await addSuppression(
        s,
        { filter: { actorIp: '203.0.113.0/24' }, reason: 'pentest' },
        clock,
      );
      expect(archived).toBe(1);
      expect((await s.get('a'))?.status).toBe('archived');
      expect((await s.get('a'))?.archivedBy).toBe(`suppression:${rule.id}`);
      expect((await s.get('b'))?.status).toBe('active');
      expect((await s.listRules()).map((r) => r.id)).toEqual([rule.id]);
      expect(await removeSuppression(s, rule.id, clock)).toBe(1);
      expect((await s.get('a'))?.status).toBe('active');
      expect(await s.listRules()).toEqual([]);
      await expect(removeSuppression(s, rule.id, clock)).rejects.toThrow(/no suppression rule/);
    });

    it('archives by id and reports unknown ids', async () => {
      const s = await open();
      await s.put(sampleFinding());
      const r = await archiveFindings(s, ['f1', 'nope'], manualClock(5));
      expect(r).toEqual({ archived: ['f1'], unknown: ['nope'] });
      expect((await s.get('f1'))?.archivedBy).toBe('user');
    });
  });
}
