// `sakura-guard rules ...` as a user runs it: check a broken directory, test the starter pack on
// a VPC flow log file and an sshd log, import the same files and hunt with identical matches,
// enable/disable into the data directory's state file.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/schema.ts';
import { systemClock } from '../../core/clock.ts';
import { startServer } from '../../server/serve.ts';
import { runCaptured } from '../run-captured.ts';

const PACK = path.join(import.meta.dirname, '../../../rules');
const dir = mkdtempSync(path.join(tmpdir(), 'sakura-rules-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T0 = 1_795_400_000;

function vpcFile(): string {
  const lines = [
    'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
  ];
  const add = (
    src: string,
    dst: string,
    sport: number,
    dport: number,
    t: number,
    action = 'ACCEPT',
  ): void => {
    lines.push(`2 123456789012 eni-1 ${src} ${dst} ${sport} ${dport} 6 10 840 ${t} ${t + 30} ${action} OK`);
  };
  // Outside -> database: 3 records; one from a private address; a rejected one.
  add('203.0.113.5', '10.0.1.20', 50001, 5432, T0);
  add('203.0.113.5', '10.0.1.20', 50002, 5432, T0 + 5);
  add('198.51.100.9', '10.0.1.21', 50003, 6379, T0 + 10);
  add('10.0.2.2', '10.0.1.20', 50004, 5432, T0 + 15);
  add('203.0.113.6', '10.0.1.20', 50005, 3306, T0 + 20, 'REJECT');
  // A port scan: 25 ports in a minute.
  for (let k = 0; k < 25; k++) add('45.33.32.9', '10.0.1.30', 40000 + k, 1000 + k, T0 + 60 + k, 'REJECT');
  const file = path.join(dir, 'flows.log');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('rules CLI', () => {
  const flows = vpcFile();
  const dataDir = path.join(dir, 'data');
  /** `rules hunt RULE --json` over November and December 2026. */
  const hunt = (rule: string): Promise<{ code: number; out: string; err: string }> =>
    runCaptured([
      '--data-dir',
      dataDir,
      'rules',
      'hunt',
      rule,
      '--from',
      '2026-11-01',
      '--to',
      '2027-01-01',
      '--json',
    ]);

  it('check reports every problem with file:line:col and exits 1; the starter pack is clean', async () => {
    const bad = path.join(dir, 'bad');
    await runCaptured(['rules', 'check', PACK]).then((r) => {
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^9 rule\(s\) ok in 6 file\(s\), 0 problem\(s\)/m);
    });
    rmSync(bad, { recursive: true, force: true });
    mkdirSync(bad);
    writeFileSync(
      path.join(bad, 'r.yml'),
      'title: r\nid: r\nlogsource: {category: flow}\ndetection:\n  s: {dst_port: http}\n  condition: s\n',
    );
    const r = await runCaptured(['rules', 'check', bad]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      `${path.join(bad, 'r.yml')}:5:17: "dst_port": dst_port is a number of 0 or more; "http" is not`,
    );
    expect(r.out).toContain('hint: write a number, or a list of numbers');
  });

  it('test --with shows the matches; hunt over the imported file finds the same records', async () => {
    const t = await runCaptured([
      'rules',
      'test',
      path.join(PACK, 'database-from-outside.yml'),
      '--with',
      flows,
      '--json',
    ]);
    expect(t.code).toBe(0);
    const tested = JSON.parse(t.out) as {
      records: number;
      matches: Record<string, number>;
      findings: unknown[];
    };
    expect(tested.records).toBe(30);
    expect(tested.matches).toEqual({ 'sg-database-from-outside': 3 });
    expect(tested.findings).toHaveLength(2);

    const ingest = await runCaptured(['--data-dir', dataDir, 'ingest', flows]);
    expect(ingest.code).toBe(0);
    const h = await runCaptured([
      '--data-dir',
      dataDir,
      'rules',
      'hunt',
      path.join(PACK, 'database-from-outside.yml'),
      '--from',
      new Date((T0 - 60) * 1000).toISOString(),
      '--to',
      new Date((T0 + 3600) * 1000).toISOString(),
      '--json',
    ]);
    expect(h.err).toBe('');
    const hunted = JSON.parse(h.out) as {
      rule: string;
      matches: number;
      records: { src_ip: string; dst_port: number }[];
    }[];
    expect(hunted[0]?.matches).toBe(3);
    expect(hunted[0]?.records.map((x) => `${x.src_ip}:${x.dst_port}`)).toEqual([
      '203.0.113.5:5432',
      '203.0.113.5:5432',
      '198.51.100.9:6379',
    ]);
  });

  it('a correlation: the same window and group in test and hunt', async () => {
    const rule = path.join(PACK, 'port-scan.yml');
    const t = JSON.parse((await runCaptured(['rules', 'test', rule, '--with', flows, '--json'])).out) as {
      findings: { windowStart: number; observed: number; actor: { ip: string } }[];
    };
    expect(t.findings.map((f) => [f.windowStart, f.actor.ip, f.observed])).toEqual([
      [T0 + 60 - ((T0 + 60) % 60), '45.33.32.9', 25],
    ]);
    const h = await hunt(rule);
    const hunted = JSON.parse(h.out) as {
      groups: { windowStart: number; group: string[]; observed: number }[];
    }[];
    expect(hunted[0]?.groups).toEqual([
      { windowStart: T0 + 60 - ((T0 + 60) % 60), group: ['45.33.32.9'], observed: 25 },
    ]);
  });

  it('hunt while serve holds the store: the server hunts the files sent, with the same answers', async () => {
    const rules = ['database-from-outside.yml', 'port-scan.yml'].map((f) => path.join(PACK, f));
    const local = await Promise.all(rules.map(async (r) => (await hunt(r)).out));
    const config = defaultConfig();
    config.server.port = 0;
    const server = await startServer({ config, dataDir, clock: systemClock, version: 't', logStream: false });
    try {
      for (const [i, r] of rules.entries()) {
        const through = await hunt(r);
        expect(through.err).toBe('');
        expect(through.out).toBe(local[i]);
      }
      const broken = path.join(dir, 'broken.yml');
      writeFileSync(
        broken,
        'title: b\nid: b\nlogsource: {category: flow}\ndetection:\n  s: {dst_port: x}\n  condition: s\n',
      );
      const refused = await hunt(broken);
      expect(refused.code).not.toBe(0);
      expect(refused.err).toContain('dst_port is a number');
    } finally {
      await server.close();
    }
  });

  it('enable and disable write the state file that list reads', async () => {
    const d = await runCaptured([
      '--data-dir',
      dataDir,
      'rules',
      'disable',
      'sg-smtp-outbound',
      '--rules',
      PACK,
    ]);
    expect(d.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dataDir, 'rules-state.json'), 'utf8'))).toEqual({
      enable: [],
      disable: ['sg-smtp-outbound'],
    });
    const l = JSON.parse(
      (await runCaptured(['--data-dir', dataDir, 'rules', 'list', '--rules', PACK, '--json'])).out,
    ) as {
      rules: { id: string; enabled: boolean }[];
    };
    expect(l.rules.find((r) => r.id === 'sg-smtp-outbound')?.enabled).toBe(false);
    expect(l.rules.find((r) => r.id === 'sg-many-ports')?.enabled).toBe(true);
    await runCaptured(['--data-dir', dataDir, 'rules', 'enable', 'sg-smtp-outbound', '--rules', PACK]);
    expect(JSON.parse(readFileSync(path.join(dataDir, 'rules-state.json'), 'utf8'))).toEqual({
      enable: ['sg-smtp-outbound'],
      disable: [],
    });
    const unknown = await runCaptured(['--data-dir', dataDir, 'rules', 'enable', 'nope', '--rules', PACK]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no rule with id nope');
  });
});
