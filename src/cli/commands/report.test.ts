import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportData } from '../../report/model.ts';
import { makeTestDataset, type TestDataset } from '../../report/test-dataset.ts';
import { runCaptured } from '../run-captured.ts';

const HAVE_CHROMIUM = existsSync('/usr/bin/chromium');
const HAVE_PDFTOTEXT = existsSync('/usr/bin/pdftotext');
const REQUIRE = process.env.SAKURA_GUARD_REQUIRE_SERVERS === '1';
if (!HAVE_CHROMIUM && !REQUIRE)
  console.warn('skipping the PDF report test: /usr/bin/chromium is not installed');

let dir = '';
let ds: TestDataset;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sg-report-'));
  ds = await makeTestDataset(dir);
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const report = (...args: string[]) =>
  runCaptured(['--data-dir', ds.dataDir, 'report', '--from', ds.day, '--to', ds.today, ...args], {
    env: {},
  });

/** The document may load nothing: no scripts, stylesheets, images, fonts or frames from anywhere. */
function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|@font-face|url\(/i);
  expect(html).not.toMatch(/\b(src|href)\s*=/i);
  expect(html).not.toMatch(/https?:\/\//i);
}

describe('sakura-guard report', () => {
  it('prints the period as JSON: findings, coverage with the quarantined line, compliance', async () => {
    const r = await report('--format', 'json');
    expect(r.code, r.err).toBe(0);
    const data = JSON.parse(r.out) as ReportData;
    expect(data.period.from).toBe(`${ds.day}T00:00:00.000Z`);
    expect(Date.parse(data.period.to) - Date.parse(data.period.from)).toBe(2 * 86_400_000);
    const stats = await runCaptured(['--data-dir', ds.dataDir, 'stats', '--json'], { env: {} });
    const stored = JSON.parse(stats.out) as { flows: number };
    expect(stored.flows).toBeGreaterThan(ds.flowLines * 0.99);
    expect(data.coverage.flows).toBe(stored.flows); // every stored flow is in the day
    expect(data.coverage.sources.map((s) => s.source)).toEqual(['vpc']);
    expect(data.coverage.quarantine.total).toBe(1);
    expect(data.findings.total).toBeGreaterThan(0);
    expect(data.findings.byType.length).toBeGreaterThan(0);
    expect(data.findings.timeline.buckets).toHaveLength(48);
    expect(data.blocked).toEqual({ configured: false, rejectedFlows: data.coverage.rejected });
    expect(data.posture.current).toBeNull();
    expect(data.compliance.map((c) => c.control)).toEqual([
      'segmentation',
      'least-privilege',
      'logging-monitoring',
      'incident-response',
    ]);
    const before = await runCaptured(
      ['--data-dir', ds.dataDir, 'report', '--format', 'json', '--to', '2020-01-01'],
      { env: {} },
    );
    const old = JSON.parse(before.out) as ReportData;
    expect([old.findings.total, old.coverage.flows, old.coverage.quarantine.total]).toEqual([0, 0, 0]);
  });

  it('writes one self-contained HTML document in English and in Japanese', async () => {
    const out = path.join(dir, 'en.html');
    const en = await report('--out', out);
    expect(en.code, en.err).toBe(0);
    expect(en.err).toContain(`wrote ${out}`);
    const html = await readFile(out, 'utf8');
    expectSelfContained(html);
    expect(html).toContain('<html lang="en">');
    for (const h of [
      'Summary',
      'Findings over time',
      'Most attacked hosts',
      'What was blocked',
      'Posture',
      'Ingest coverage',
      'Compliance view',
      'Notable findings',
    ]) {
      expect(html).toContain(`<h2>${h}</h2>`);
    }
    expect(html).toContain('<svg class="chart"');
    const ja = await report('--lang', 'ja');
    expect(ja.code, ja.err).toBe(0);
    expectSelfContained(ja.out);
    expect(ja.out).toContain('<html lang="ja">');
    expect(ja.out).toContain('<h1>セキュリティレポート</h1>');
    expect(ja.out).toContain('<h2>コンプライアンス対応表</h2>');
    expect(ja.out).not.toContain('<h2>Summary</h2>');
  });

  it('explains bad options', async () => {
    const bad = await report('--format', 'docx');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("unknown --format 'docx'");
    expect(bad.err).toContain('hint: use one of: html, pdf, json');
    const lang = await report('--lang', 'fr');
    expect(lang.code).toBe(2);
    const when = await runCaptured(['--data-dir', ds.dataDir, 'report', '--from', 'yesterday'], { env: {} });
    expect(when.code).toBe(2);
    expect(when.err).toContain('hint: give a UTC day');
  });

  it.skipIf(!HAVE_CHROMIUM && !REQUIRE)(
    'prints the PDF with Chromium, its Japanese text extractable as text',
    async () => {
      const out = path.join(dir, 'ja.pdf');
      const r = await report('--format', 'pdf', '--lang', 'ja', '--out', out);
      expect(r.code, r.err).toBe(0);
      const pdf = await readFile(out);
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      if (!HAVE_PDFTOTEXT && !REQUIRE) return;
      const text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' });
      expect(text).toContain('セキュリティレポート');
      expect(text).toContain('コンプライアンス対応表');
    },
    60_000,
  );
});
