import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCaptured } from '../run-captured.ts';

const TESTDATA = path.resolve(import.meta.dirname, '../../audit/testdata');
const HOST = '10.0.1.5';
const END = Date.UTC(2026, 10, 20) / 1000;

/** VPC flow log v2: public clients reach the host's PostgreSQL port; one scanner probes 20 ports. */
function flowLog(): string {
  const lines: string[] = [];
  for (let d = 0; d < 10; d++) {
    const t = END - d * 86400;
    lines.push(`2 1 eni-1 203.0.113.${10 + d} ${HOST} 51000 5432 6 10 800 ${t} ${t + 60} ACCEPT OK`);
  }
  for (let p = 0; p < 20; p++) {
    const t = END - 3600 + p;
    lines.push(`2 1 eni-1 198.51.100.9 ${HOST} 40000 ${1000 + p} 6 1 40 ${t} ${t + 1} REJECT OK`);
  }
  return `${lines.join('\n')}\n`;
}

interface FindingJson {
  id: string;
  type: string;
  resource: { ip: string };
  count: number;
  status: string;
}

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sg-audit-record-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sakura-guard audit --record', () => {
  it('posture findings join the runtime findings of the same host; a second run updates, never duplicates', async () => {
    const data = path.join(dir, 'data');
    const flows = path.join(dir, 'flows.log');
    await writeFile(flows, flowLog());
    const env = {};
    const ingest = await runCaptured(['--data-dir', data, 'ingest', flows], { env });
    expect(ingest.code, ingest.err).toBe(0);

    const compose = path.join(TESTDATA, 'compose/case14.yml');
    const first = await runCaptured(['--data-dir', data, 'audit', compose, '--record', '--format', 'json'], {
      env,
    });
    expect(first.code, first.err).toBe(0);
    expect(first.err).toContain('1 new');
    const report = JSON.parse(first.out) as { traffic?: { flows: number } };
    expect(report.traffic?.flows).toBeGreaterThan(0);

    const listed = await runCaptured(['--data-dir', data, 'findings', '--json'], { env });
    expect(listed.code, listed.err).toBe(0);
    const findings = parseFindings(listed.out);
    const onHost = findings.filter((f) => f.resource.ip === HOST);
    const posture = onHost.filter((f) => f.type === 'Policy:Host/ExposedSensitivePort');
    expect(posture).toHaveLength(1);
    expect(onHost.filter((f) => f.type !== 'Policy:Host/ExposedSensitivePort').length).toBeGreaterThan(0);

    // The flow file itself instead of the data directory's flows: the same window, the same finding.
    const second = await runCaptured(
      ['--data-dir', data, 'audit', compose, '--record', '--flows-from', flows],
      { env },
    );
    expect(second.code, second.err).toBe(0);
    expect(second.err).toContain('0 new, 0 updated, 1 unchanged');
    const again = parseFindings((await runCaptured(['--data-dir', data, 'findings', '--json'], { env })).out);
    expect(again.filter((f) => f.type === 'Policy:Host/ExposedSensitivePort').map((f) => f.id)).toEqual(
      posture.map((f) => f.id),
    );
  });

  it('without traffic to join it is a usage error with a hint', async () => {
    const r = await runCaptured(
      ['--data-dir', path.join(dir, 'empty'), 'audit', path.join(TESTDATA, 'compose/case14.yml'), '--record'],
      { env: {} },
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain('--record needs observed traffic');
    expect(r.err).toContain('hint:');
  });
});

function parseFindings(out: string): FindingJson[] {
  const parsed = JSON.parse(out) as FindingJson[] | { items: FindingJson[] };
  return Array.isArray(parsed) ? parsed : parsed.items;
}
