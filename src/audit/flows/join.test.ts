// Acceptance cases 26–28 of POSTURE.md (static × observed), over VPC flow-log files the test writes.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditPaths } from '../audit.ts';
import { joinFlows } from './join.ts';
import { POSTURE_SIGNAL_TYPE, postureSignals } from './signals.ts';

const TESTDATA = path.join(import.meta.dirname, '..', 'testdata');
const DAY = 86400;
const END = Date.UTC(2026, 10, 20) / 1000;

interface F {
  t: number;
  src: string;
  dst?: string;
  sport: number;
  dport: number;
  proto?: number;
  action: 'ACCEPT' | 'REJECT';
}

const line = (f: F): string =>
  `2 123456789012 eni-1 ${f.src} ${f.dst ?? '10.0.1.5'} ${f.sport} ${f.dport} ${f.proto ?? 6} 10 840 ${f.t} ${f.t + 60} ${f.action} OK`;

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sg-audit-flows-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(tfCase: string, flows: F[], extra: string[] = []) {
  const file = path.join(dir, 'flows.log');
  await writeFile(
    file,
    [
      'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
      ...flows.map(line),
      ...extra,
    ].join('\n'),
  );
  const report = await auditPaths([path.join(TESTDATA, 'tf', tfCase)], { baseDir: TESTDATA });
  await joinFlows(report, { from: [file], windowDays: 30 });
  return report;
}

/** One flow a day for every day of the window, so coverage is complete. */
const daily = (f: Omit<F, 't'>): F[] => Array.from({ length: 30 }, (_, i) => ({ ...f, t: END - i * DAY }));

describe('POSTURE.md acceptance cases: traffic', () => {
  it('26: keep 443 (many public clients), narrow 22 to the one admin /32, 3389 probed and closed', async () => {
    const flows: F[] = [
      ...Array.from({ length: 40 }, (_, i) => ({
        t: END - i * 3600,
        src: `198.51.100.${i + 1}`,
        sport: 40000 + i,
        dport: 443,
        action: 'ACCEPT' as const,
      })),
      ...daily({ src: '203.0.113.7', sport: 51000, dport: 22, action: 'ACCEPT' }),
      ...Array.from({ length: 5 }, (_, i) => ({
        t: END - i * 7200,
        src: `192.0.2.${i + 10}`,
        sport: 50000 + i,
        dport: 3389,
        action: 'REJECT' as const,
      })),
    ];
    const r = await run('case26', flows);
    const narrow = r.findings.filter((f) => f.checkId === 'FLOW-RULE-NARROW');
    expect(narrow.map((f) => f.line)).toEqual([4]); // the port-22 block only, never 443
    expect(narrow[0]?.message).toContain('203.0.113.7/32');
    expect(narrow[0]?.fix?.diff).toContain('+    cidr_blocks = ["203.0.113.7/32"]');
    expect(narrow[0]?.fix?.diff).toContain('-    cidr_blocks = ["0.0.0.0/0"]');
    const ssh = r.findings.find((f) => f.checkId === 'NET-SSH-OPEN');
    expect(ssh?.observed).toMatchObject({ kind: 'reached', distinctSources: 1 });
    expect(ssh?.severity).toBe('critical'); // escalated from high: the internet reached it
    const web = r.findings.find((f) => f.checkId === 'NET-PORT-OPEN' && f.line === 11);
    expect(web?.observed).toMatchObject({ kind: 'reached', distinctSources: 40 });
    expect(web?.severity).toBe('low'); // public web service: kept, not escalated
    const probed = r.findings.filter((f) => f.checkId === 'FLOW-EXPOSURE-PROBED');
    expect(probed).toHaveLength(1);
    expect(probed[0]).toMatchObject({ severity: 'info' });
    expect(probed[0]?.message).toContain('tcp port 3389');
    expect(probed[0]?.message).toContain('probed, closed');
    expect(r.findings.filter((f) => f.checkId === 'FLOW-RULE-UNUSED')).toEqual([]);
  });

  it('27: 5432 from 10.0.0.0/16 with zero flows in 30 days is unused, with the window as confidence', async () => {
    const flows = daily({ src: '10.0.2.9', sport: 40001, dport: 443, action: 'ACCEPT' });
    const gaps = [`2 123456789012 eni-1 - - - - - - - ${END - 3 * DAY} ${END - 3 * DAY + 7200} - NODATA`];
    const r = await run('case27', flows, gaps);
    const unused = r.findings.filter((f) => f.checkId === 'FLOW-RULE-UNUSED');
    expect(unused.map((f) => f.line)).toEqual([4]);
    expect(unused[0]?.observed).toMatchObject({ kind: 'unused', window: '30 days' });
    const conf = unused[0]?.observed?.kind === 'unused' ? unused[0].observed.confidence : '';
    expect(conf).toContain('30-day window');
    expect(conf).toContain('1 NODATA (2.0 h)');
    expect(conf).toContain('flows on 30 of 30 days');
  });

  it('27b: a window with missing days and SKIPDATA lowers the confidence', async () => {
    const flows = [{ t: END, src: '10.0.2.9', sport: 40001, dport: 443, action: 'ACCEPT' as const }];
    const gaps = [`2 123456789012 eni-1 - - - - - - - ${END - DAY} ${END - DAY + 3600} - SKIPDATA`];
    const r = await run('case27', flows, gaps);
    const unused = r.findings.find((f) => f.checkId === 'FLOW-RULE-UNUSED');
    expect(unused?.message).toContain('confidence low');
    expect(unused?.message).toContain('1 SKIPDATA');
  });

  it('28: response flows (443 → ephemeral) never count as use of an ingress rule', async () => {
    const replies = Array.from({ length: 50 }, (_, i) => ({
      t: END - i * 600,
      src: `198.51.100.${i + 1}`,
      sport: 443,
      dport: 49152 + i,
      action: 'ACCEPT' as const,
    }));
    const r = await run('case28', replies);
    expect(r.findings.filter((f) => f.checkId === 'FLOW-RULE-NARROW')).toEqual([]);
    expect(r.findings.filter((f) => f.checkId === 'FLOW-RULE-UNUSED').map((f) => f.line)).toEqual([4]);
    const open = r.findings.find((f) => f.checkId === 'NET-PORT-OPEN');
    expect(open?.observed).toBeUndefined();
    expect(open?.severity).toBe('medium');
  });
});

describe('posture signals for the findings stage', () => {
  it('a reached SSH exposure becomes Policy:Host/ExposedSensitivePort for the host the flows went to', async () => {
    const flows: F[] = [
      ...daily({ src: '203.0.113.7', dst: '10.0.1.9', sport: 51000, dport: 22, action: 'ACCEPT' }),
      { t: END, src: '198.51.100.3', sport: 40000, dport: 443, action: 'ACCEPT' },
    ];
    const r = await run('case26', flows);
    const signals = postureSignals(r);
    expect(signals.map((s) => [s.type, s.resource.ip, s.actor.ip, s.observed, s.severity])).toEqual([
      [POSTURE_SIGNAL_TYPE, '10.0.1.9', '203.0.113.7', 30, 9],
    ]);
    expect(signals[0]?.query).toContain("dst_ip = '10.0.1.9' AND dst_port IN (22)");
  });
});

describe('compose published ports and traffic', () => {
  it('a published port no request reached is offered for removal; a used one is not narrowed', async () => {
    const file = path.join(dir, 'flows.log');
    const flows = daily({ src: '203.0.113.9', sport: 40000, dport: 8080, action: 'ACCEPT' });
    await writeFile(
      file,
      [
        'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
        ...flows.map(line),
      ].join('\n'),
    );
    const report = await auditPaths([path.join(TESTDATA, 'compose/case16.yml')], { baseDir: TESTDATA });
    await joinFlows(report, { from: [file], windowDays: 30 });
    expect(
      report.findings.filter((f) => f.checkId.startsWith('FLOW-')).map((f) => [f.checkId, f.line]),
    ).toEqual([
      ['FLOW-RULE-UNUSED', 6],
      ['FLOW-RULE-UNUSED', 7],
    ]);
    expect(
      report.findings.find((f) => f.checkId === 'COMPOSE-PORT-PUBLISHED' && f.line === 13)?.observed,
    ).toMatchObject({ kind: 'reached' });
  });
});

describe('advisor settings', () => {
  it('escalation can be turned off and the narrowing threshold lowered', async () => {
    const file = path.join(dir, 'flows.log');
    const flows = [
      ...daily({ src: '203.0.113.7', sport: 51000, dport: 22, action: 'ACCEPT' }),
      ...daily({ src: '203.0.113.8', sport: 51000, dport: 22, action: 'ACCEPT' }),
    ];
    await writeFile(
      file,
      [
        'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
        ...flows.map(line),
      ].join('\n'),
    );
    const report = await auditPaths([path.join(TESTDATA, 'tf/case01')], { baseDir: TESTDATA });
    await joinFlows(report, { from: [file], advisor: { escalateReached: false, narrowMaxSources: 1 } });
    expect(report.findings.find((f) => f.checkId === 'NET-SSH-OPEN')?.severity).toBe('high');
    expect(report.findings.filter((f) => f.checkId === 'FLOW-RULE-NARROW')).toEqual([]); // 2 sources > 1
  });
});

describe('findings from a port range', () => {
  it('an SSH finding from a 0-1024 rule is "reached" only by traffic to 22, not to 80', async () => {
    const file = path.join(dir, 'flows.log');
    await writeFile(
      file,
      [
        'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
        ...daily({ src: '198.51.100.9', sport: 40000, dport: 80, action: 'ACCEPT' }).map(line),
      ].join('\n'),
    );
    const { auditTerraform } = await import('../terraform/terraform.ts');
    const tf = auditTerraform([
      {
        file: 'm/main.tf',
        text: 'resource "aws_security_group" "s" {\n  ingress {\n    from_port = 0\n    to_port = 1024\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n',
      },
    ]);
    const report = {
      version: 1 as const,
      files: [],
      findings: tf.findings,
      rules: tf.rules,
      problems: [],
      checks: [],
    };
    await joinFlows(report, { from: [file] });
    expect(report.findings.find((f) => f.checkId === 'NET-SSH-OPEN')?.observed).toBeUndefined();
    expect(report.findings.find((f) => f.checkId === 'NET-PORT-OPEN')?.observed).toMatchObject({
      kind: 'reached',
    });
  });
});
