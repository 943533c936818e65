import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AuditReport, auditPaths } from '../audit.ts';
import { toJson } from './json.ts';
import { toJunit } from './junit.ts';
import { toSarif } from './sarif.ts';
import { toTable, worstSeverity } from './table.ts';

const TESTDATA = path.join(import.meta.dirname, '..', 'testdata');
const audit = (rel: string[]): Promise<AuditReport> =>
  auditPaths(
    rel.map((r) => path.join(TESTDATA, r)),
    { baseDir: TESTDATA },
  );

interface SarifLike {
  version: string;
  runs: {
    tool: { driver: { rules: { id: string; properties: Record<string, unknown> }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      locations: {
        physicalLocation: {
          artifactLocation: { uri: string };
          region: { startLine: number; endLine: number };
        };
      }[];
      partialFingerprints: Record<string, string>;
      suppressions?: { kind: string; justification: string }[];
    }[];
  }[];
}

describe('inline suppression', () => {
  it('honours a suppression with a reason and reports one without', async () => {
    const r = await audit(['suppress']);
    const ssh = r.findings.find((f) => f.checkId === 'NET-SSH-OPEN');
    expect(ssh?.suppression).toEqual({
      kind: 'inSource',
      justification: 'bastion host, reached only via MFA jump; reviewed 2026-11',
      line: 2,
    });
    expect(r.findings.find((f) => f.checkId === 'NET-RDP-OPEN')?.suppression).toBeUndefined();
    expect(r.findings.filter((f) => f.checkId === 'AUDIT-SUPPRESSION-NO-REASON').map((f) => f.line)).toEqual([
      16,
    ]);
    expect(worstSeverity(r)).toBe('high'); // RDP still counts; the suppressed SSH does not
  });
});

describe('SARIF 2.1.0', () => {
  it('has stable rules with security-severity, regions, fingerprints and suppressions', async () => {
    const r = await audit(['suppress', 'compose/case14.yml']);
    const sarif = toSarif(r, '0.1.0') as SarifLike;
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0]!;
    const rules = run.tool.driver.rules;
    expect(new Set(rules.map((x) => x.id)).size).toBe(rules.length);
    for (const res of run.results) {
      expect(rules[res.ruleIndex]?.id).toBe(res.ruleId);
      expect(Number(rules[res.ruleIndex]?.properties['security-severity'])).toBeGreaterThan(0);
      expect(res.partialFingerprints['sakuraGuard/v1']).toMatch(/^[0-9a-f]{32}$/);
    }
    const ssh = run.results.find((x) => x.ruleId === 'NET-SSH-OPEN')!;
    expect(ssh.locations[0]?.physicalLocation).toMatchObject({
      artifactLocation: { uri: 'suppress/main.tf' },
      region: { startLine: 3, endLine: 8 },
    });
    expect(ssh.suppressions).toEqual([
      { kind: 'inSource', justification: 'bastion host, reached only via MFA jump; reviewed 2026-11' },
    ]);
    expect(run.results.find((x) => x.ruleId === 'COMPOSE-DATABASE-PORT-PUBLISHED')?.level).toBe('error');
  });
  it('fingerprints survive lines moving', async () => {
    const a = await audit(['tf/case01']);
    const before = (toSarif(a, 'x') as SarifLike).runs[0]!.results[0]!.partialFingerprints;
    for (const f of a.findings) {
      f.line += 5;
      f.endLine += 5;
    }
    expect((toSarif(a, 'x') as SarifLike).runs[0]!.results[0]!.partialFingerprints).toEqual(before);
  });
});

describe('JUnit, JSON and table', () => {
  it('JUnit has a failure per finding, skipped for suppressed ones, passes for clean checks', async () => {
    const xml = toJunit(await audit(['suppress']));
    expect(xml).toContain(
      '<testcase name="[HIGH][NET-RDP-OPEN] RDP (3389) is open to the internet" classname="suppress/main.tf.aws_security_group.lazy"><failure',
    );
    expect(xml).toMatch(/\[NET-SSH-OPEN\][^\n]*<skipped message="bastion host/);
    expect(xml).toMatch(
      /<testcase name="\[CRITICAL\]\[NET-ALL-PORTS-OPEN\][^"]*" classname="sakura-guard.audit"\/>/,
    );
    expect(xml).not.toContain('COMPOSE-'); // no compose file was audited
  });
  it('JSON round-trips and the table groups by file with a summary', async () => {
    const r = await audit(['tf/case01', 'compose/case14.yml']);
    const parsed = JSON.parse(toJson(r)) as { findings: { checkId: string; fingerprint: string }[] };
    expect(parsed.findings.map((f) => f.checkId)).toEqual(r.findings.map((f) => f.checkId));
    const table = toTable(r);
    expect(table.split('\n')[0]).toBe('compose/case14.yml');
    expect(table).toContain('2 file(s) audited; 2 high, 1 low');
  });
});
