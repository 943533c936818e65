import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCaptured } from '../run-captured.ts';

const TESTDATA = path.resolve(import.meta.dirname, '../../audit/testdata');

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return runCaptured(args, { cwd: TESTDATA });
}

describe('sakura-guard audit', () => {
  it('--fail-on sets exit 1 only when a finding reaches the threshold', async () => {
    const high = await cli(['audit', path.join(TESTDATA, 'tf/case01'), '--fail-on', 'high']);
    expect(high.code).toBe(1);
    const critical = await cli(['audit', path.join(TESTDATA, 'tf/case01'), '--fail-on', 'critical']);
    expect(critical.code).toBe(0);
    expect(critical.out).toContain('NET-SSH-OPEN');
  });
  it('rejects an unknown severity and a missing path with a hint', async () => {
    const bad = await cli(['audit', path.join(TESTDATA, 'tf/case01'), '--fail-on', 'severe']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("unknown severity 'severe'");
    expect(bad.err).toContain('hint:');
    const missing = await cli(['audit', path.join(TESTDATA, 'does-not-exist')]);
    expect(missing.code).toBe(3);
    expect(missing.err).toContain('no such file or directory');
  });
  it('joins with flow files and warns when nothing was recognised', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sg-audit-cli-'));
    try {
      const flows = path.join(dir, 'flows.log');
      const end = Date.UTC(2026, 10, 20) / 1000;
      const lines = Array.from(
        { length: 30 },
        (_, d) =>
          `2 1 eni-1 203.0.113.7 10.0.1.5 51000 22 6 10 800 ${end - d * 86400} ${end - d * 86400 + 60} ACCEPT OK`,
      );
      await writeFile(flows, `${lines.join('\n')}\n`);
      const r = await cli([
        'audit',
        path.join(TESTDATA, 'tf/case01'),
        '--flows-from',
        flows,
        '--format',
        'json',
      ]);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.out) as {
        findings: { checkId: string; severity: string }[];
        traffic: { flows: number };
      };
      expect(report.traffic.flows).toBe(30);
      expect(report.findings.map((f) => [f.checkId, f.severity])).toContainEqual([
        'FLOW-RULE-NARROW',
        'info',
      ]);
      expect(report.findings.map((f) => [f.checkId, f.severity])).toContainEqual([
        'NET-SSH-OPEN',
        'critical',
      ]);
      const none = await cli(['audit', dir]);
      expect(none.code).toBe(0);
      expect(none.err).toContain('no docker-compose, Terraform, iptables-save, nft or Kubernetes file found');
      const badWindow = await cli([
        'audit',
        path.join(TESTDATA, 'tf/case01'),
        '--flows-from',
        flows,
        '--window',
        '0',
      ]);
      expect(badWindow.code).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  it('writes SARIF to a file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sg-audit-cli-'));
    try {
      const file = path.join(dir, 'out.sarif');
      const r = await cli([
        'audit',
        path.join(TESTDATA, 'compose/case14.yml'),
        '--format',
        'sarif',
        '-o',
        file,
      ]);
      expect(r.code).toBe(0);
      const sarif = JSON.parse(await readFile(file, 'utf8')) as {
        version: string;
        runs: { results: { ruleId: string }[] }[];
      };
      expect(sarif.runs[0]?.results.map((x) => x.ruleId)).toEqual(['COMPOSE-DATABASE-PORT-PUBLISHED']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
