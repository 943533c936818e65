import { describe, expect, it } from 'vitest';
import { makeFinding } from '../alerts/test-findings.ts';
import { niceCeiling, timelineSvg } from './charts.ts';
import { complianceView } from './compliance.ts';
import { findingsSection } from './findings-section.ts';
import { renderHtml } from './html.ts';
import { REPORT_VERSION, type CoverageSection, type ReportData } from './model.ts';

const FROM = Date.UTC(2026, 10, 16);
const TO = FROM + 7 * 86_400_000;

function reportWith(findings: ReturnType<typeof makeFinding>[]): ReportData {
  const period = { fromMs: FROM, toMs: TO };
  const coverage: CoverageSection = {
    flows: 10,
    bytes: 2_500_000,
    accepted: 9,
    rejected: 1,
    sources: [
      { source: 'vpc', flows: 10, first: new Date(FROM).toISOString(), last: new Date(TO - 1).toISOString() },
    ],
    gaps: [{ kind: 'nodata', count: 2, resources: 1 }],
    quarantine: { total: 4, byReason: [{ reason: 'bad-ip', count: 4 }] },
  };
  const posture = { current: null, previous: null, newIssues: [], resolved: [] };
  const blocked = { configured: false as const, rejectedFlows: 1 };
  return {
    version: REPORT_VERSION,
    generatedAt: new Date(TO).toISOString(),
    period: { from: new Date(FROM).toISOString(), to: new Date(TO).toISOString() },
    findings: findingsSection(findings, period),
    blocked,
    posture,
    coverage,
    compliance: complianceView({ findings, posture, coverage, blocked }),
  };
}

describe('HTML report', () => {
  it('escapes everything that comes from records and findings', () => {
    const html = renderHtml(
      reportWith([
        makeFinding({
          severity: 8,
          title: '<script>alert(1)</script>',
          description: 'a "quoted" <b>description</b>',
          firstSeen: '2026-11-17T00:00:00Z',
          lastSeen: '2026-11-17T00:05:00Z',
          windows: [Date.UTC(2026, 10, 17) / 1000],
          evidence: {
            threshold: 1,
            observed: 2,
            window: '5m',
            sample: ['<img src=x onerror=alert(1)>'],
            query: '',
          },
        }),
      ]),
      'en',
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('a &quot;quoted&quot; &lt;b&gt;description&lt;/b&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('shows the period by its days, the coverage figures and the Japanese labels', () => {
    const r = reportWith([]);
    const en = renderHtml(r, 'en');
    expect(en).toContain('Period: 2026-11-16 – 2026-11-22 (UTC)');
    expect(en).toContain('Bytes <b>2.5 MB</b>');
    expect(en).toContain('<span class="mono">bad-ip</span>');
    expect(en).toContain('No posture audit recorded.');
    expect(en).toContain('No responder configured');
    const ja = renderHtml(r, 'ja');
    expect(ja).toContain('対象期間: 2026-11-16 – 2026-11-22 (UTC)');
    expect(ja).toContain('構成監査の記録がありません。');
    expect(ja).toContain('自動対処（レスポンダー）は未設定');
  });
});

describe('charts', () => {
  it('rounds axis maxima up to 1, 2, 5 steps', () => {
    expect([0, 1, 3, 7, 10, 11, 23, 51, 480].map(niceCeiling)).toEqual([1, 1, 3, 7, 10, 20, 50, 100, 500]);
  });

  it('stacks each bucket by band with whole-number gridlines', () => {
    const svg = timelineSvg(
      {
        bucketSeconds: 86_400,
        buckets: [
          { start: '2026-11-16T00:00:00.000Z', counts: { low: 2, medium: 1, high: 0, critical: 4 } },
          { start: '2026-11-17T00:00:00.000Z', counts: { low: 0, medium: 0, high: 0, critical: 0 } },
        ],
      },
      { bands: { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' } },
    );
    // 7 findings: axis 0..8 in steps of 2; three bars in the first bucket, none in the second
    expect([...svg.matchAll(/class="ax">(\d+)</g)].map((m) => m[1]).slice(0, 5)).toEqual([
      '0',
      '2',
      '4',
      '6',
      '8',
    ]);
    expect(svg.match(/<rect x="[\d.]+" y="[\d.]+" width="\d+\.\d" height="[\d.]+" fill="#/g)).toHaveLength(3);
    expect(svg).toContain('>11-16<');
  });
});
