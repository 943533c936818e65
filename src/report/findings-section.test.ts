import { describe, expect, it } from 'vitest';
import { makeFinding } from '../alerts/test-findings.ts';
import { findingsSection, NOTABLE_PER_TYPE } from './findings-section.ts';

const day = (d: number, h = 0): number => Date.UTC(2026, 10, d, h) / 1000;
const iso = (s: number): string => new Date(s * 1000).toISOString();
const WEEK = { fromMs: day(16) * 1000, toMs: day(23) * 1000 };

describe('findings section', () => {
  it('keeps findings active in the period and counts their windows per day and band', () => {
    const s = findingsSection(
      [
        makeFinding({
          id: 'a',
          severity: 8,
          firstSeen: iso(day(17, 1)),
          lastSeen: iso(day(18, 2)),
          windows: [day(17, 1), day(18, 2)],
        }),
        makeFinding({
          id: 'b',
          severity: 2,
          firstSeen: iso(day(10)),
          lastSeen: iso(day(16, 3)),
          windows: [day(10), day(16, 3)],
        }),
        makeFinding({ id: 'old', firstSeen: iso(day(1)), lastSeen: iso(day(2)), windows: [day(1)] }),
        makeFinding({ id: 'later', firstSeen: iso(day(23)), lastSeen: iso(day(23, 1)), windows: [day(23)] }),
      ],
      WEEK,
    );
    expect(s.total).toBe(2);
    expect(s.bySeverity).toEqual({ low: 1, medium: 0, high: 1, critical: 0 });
    expect(s.timeline.bucketSeconds).toBe(86_400);
    expect(s.timeline.buckets).toHaveLength(7);
    expect(s.timeline.buckets.map((b) => b.counts.high)).toEqual([0, 1, 1, 0, 0, 0, 0]);
    expect(s.timeline.buckets.map((b) => b.counts.low)).toEqual([1, 0, 0, 0, 0, 0, 0]); // the window on the 10th is outside
    expect(s.byType).toEqual([{ type: 'Recon:Host/Portscan', findings: 2, occurrences: 3, maxSeverity: 8 }]);
  });

  it('uses hourly buckets for a day', () => {
    const s = findingsSection(
      [makeFinding({ firstSeen: iso(day(17, 5)), lastSeen: iso(day(17, 5)), windows: [day(17, 5)] })],
      {
        fromMs: day(17) * 1000,
        toMs: day(18) * 1000,
      },
    );
    expect(s.timeline.bucketSeconds).toBe(3600);
    expect(s.timeline.buckets).toHaveLength(24);
    expect(s.timeline.buckets[5]?.counts.medium).toBe(1);
  });

  it('ranks attacked hosts and actors; our own hosts acting count as actors', () => {
    const seen = { firstSeen: iso(day(17)), lastSeen: iso(day(17)), windows: [day(17)] };
    const s = findingsSection(
      [
        makeFinding({
          id: '1',
          severity: 5,
          resource: { ip: '10.0.0.5', name: 'web', id: null },
          actor: { ip: '203.0.113.9', port: null },
          ...seen,
        }),
        makeFinding({
          id: '2',
          severity: 7,
          resource: { ip: '10.0.0.6', name: null, id: null },
          actor: { ip: '203.0.113.9', port: null },
          ...seen,
        }),
        makeFinding({
          id: '3',
          severity: 9,
          role: 'actor',
          resource: { ip: '10.0.0.7', name: 'app', id: null },
          actor: { ip: '198.51.100.1', port: 3333 },
          ...seen,
        }),
      ],
      WEEK,
    );
    expect(s.topTargets.map((h) => [h.ip, h.findings, h.maxSeverity])).toEqual([
      ['10.0.0.6', 1, 7],
      ['10.0.0.5', 1, 5],
    ]);
    expect(s.topActors.map((h) => [h.ip, h.internal, h.findings])).toEqual([
      ['10.0.0.7', true, 1],
      ['203.0.113.9', false, 2],
    ]);
  });

  it('lists notable findings (medium and up) most severe first, a few per type', () => {
    const seen = { firstSeen: iso(day(17)), lastSeen: iso(day(17)), windows: [day(17)] };
    const many = Array.from({ length: 5 }, (_, i) => makeFinding({ id: `p${i}`, severity: 6, ...seen }));
    const s = findingsSection(
      [
        ...many,
        makeFinding({ id: 'x', type: 'Impact:Host/PortSweep', severity: 8, ...seen }),
        makeFinding({ id: 'lo', severity: 2, ...seen }),
      ],
      WEEK,
    );
    expect(s.notable.map((n) => n.id)).toEqual(['x', 'p0', 'p1', 'p2'].slice(0, 1 + NOTABLE_PER_TYPE));
    expect(s.notableOmitted).toBe(2);
  });
});
