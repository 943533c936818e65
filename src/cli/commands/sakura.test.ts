// The `sakura` and `respond` commands end to end: the product pointed at the local API double
// (a realistic inventory: 47 servers on the shared segment and a switch, two routers), a VPC
// flow log with a port scan of a Sakura server, and the finding naming the server and its tags.

import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCaptured } from '../run-captured.ts';
import {
  DOUBLE_SECRET,
  DOUBLE_TOKEN,
  type SakuraDouble,
  startSakuraDouble,
} from '../../sakura/testdata/double.ts';
import { OPEN_FILTER_ID, ROUTER_IDS, fixtureZones, webIp } from '../../sakura/testdata/fixture.ts';

let double: SakuraDouble | null = null;
afterEach(async () => {
  await double?.close();
  double = null;
});

async function setup(): Promise<{ d: SakuraDouble; dir: string; env: NodeJS.ProcessEnv }> {
  const d = await startSakuraDouble(fixtureZones());
  double = d;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sg-sakura-cli-'));
  const env = {
    SAKURA_ACCESS_TOKEN: DOUBLE_TOKEN,
    SAKURA_ACCESS_TOKEN_SECRET: DOUBLE_SECRET,
    SAKURACLOUD_ZONES: 'is1a,tk1a',
    SAKURA_API_ROOT_URL: d.rootUrl,
    SAKURA_GUARD_DATA_DIR: dir,
    HOME: dir,
  };
  return { d, dir, env };
}

/** VPC flow log v2 lines: one source probing 30 ports of the server (a port scan). */
function scanLog(target: string): string {
  const lines = [
    'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
  ];
  for (let p = 1; p <= 30; p++)
    lines.push(
      `2 123456789012 eni-1 203.0.113.50 ${target} 40000 ${1000 + p} 6 1 40 1763888400 1763888401 REJECT OK`,
    );
  return `${lines.join('\n')}\n`;
}

describe('sakura-guard sakura', () => {
  it('sync names servers in findings; poll stores each router line once; audit flags open filters', async () => {
    const { d, dir, env } = await setup();
    const sync = await runCaptured(['sakura', 'sync', '-v'], { env });
    expect(sync.err).not.toContain(DOUBLE_SECRET);
    expect(sync.code, sync.err).toBe(0);
    expect(sync.out).toMatch(/synced 47 servers, 2 routers, 1 switches from is1a, tk1a/);
    expect(sync.out).toMatch(
      /the servers' global networks: 198\.51\.100\.0\/24; inventoried addresses already count as ours, list them in detection\.scope\.internalCidrs/,
    );

    const log = path.join(dir, 'scan.log');
    await writeFile(log, scanLog(webIp(3)));
    // Sakura servers have global addresses: detection must be told they are ours.
    const config = path.join(dir, 'detect.yaml');
    await writeFile(config, 'detection:\n  scope:\n    internalCidrs: [198.51.100.0/24]\n');
    const ingest = await runCaptured(['ingest', '--config', config, log], { env });
    expect(ingest.code, ingest.err).toBe(0);
    const findings = await runCaptured(['findings', '--json'], { env });
    const list = JSON.parse(findings.out) as {
      resource: { ip: string; name: string | null };
      type: string;
    }[];
    const onServer = list.filter((f) => f.resource.ip === webIp(3));
    expect(onServer.length).toBeGreaterThan(0);
    expect(onServer[0]!.resource.name).toBe('is1a-web-03');

    d.zones.get('is1a')!.status.set(ROUTER_IDS[0], {
      FirewallReceiveLogs: [
        'Nov 23 11:59:00 vpc kernel: [FW-DROP] SRC=203.0.113.5 DST=198.51.100.200 PROTO=TCP SPT=1 DPT=22',
        'Nov 23 11:59:01 vpc kernel: [FW-DROP] SRC=203.0.113.6 DST=198.51.100.200 PROTO=TCP SPT=1 DPT=23',
      ],
    });
    const first = await runCaptured(['sakura', 'poll'], { env });
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/vpc-is1a \(is1a\/113100000001\): 2 new events/);
    const second = await runCaptured(['sakura', 'poll'], { env });
    expect(second.out).toMatch(/vpc-is1a \(is1a\/113100000001\): 0 new events/);
    const stored = await runCaptured(
      ['query', '--json', "SELECT count(*) AS n FROM events WHERE source = 'sakura-router'"],
      { env },
    );
    expect(stored.code, stored.err).toBe(0);
    expect(stored.out).toMatch(/"n":\s*2/);

    const audit = await runCaptured(['sakura', 'audit', '--fail-on', 'high'], { env });
    expect(audit.code).toBe(1);
    expect(audit.out).toContain(`sakura-api://is1a/packetfilter/${OPEN_FILTER_ID}`);
    expect(audit.out).toMatch(/SAKURA-PF-NO-DEFAULT-DENY/);
    expect(audit.out).toMatch(/SAKURA-SERVER-NO-PACKET-FILTER/);
  }, 60_000);

  it('says what to set when no API key is found', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sg-sakura-cli-'));
    const r = await runCaptured(['sakura', 'sync'], { env: { HOME: dir, SAKURA_GUARD_DATA_DIR: dir } });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no Sakura Cloud API key was found/);
    expect(r.err).toMatch(/SAKURA_ACCESS_TOKEN/);
  });
});

describe('sakura-guard respond', () => {
  it('lists, approves and undoes actions recorded in the data directory', async () => {
    const { d, dir, env } = await setup();
    const config = path.join(dir, 'sakura-guard.yaml');
    await writeFile(
      config,
      `respond:\n  responders:\n    - { kind: sakura-packet-filter, name: pf, zone: is1a, packetFilterIds: ["${OPEN_FILTER_ID}"] }\n  policies:\n    - { name: p, responders: [pf], mode: approve }\n`,
    );
    // A pending action as the server records it.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const { createResponseStore } = await import('../../respond/store.ts');
    const db = await DuckDBInstance.create(path.join(dir, 'sakura-guard.duckdb'));
    const conn = await db.connect();
    const store = await createResponseStore(conn);
    const now = Date.now();
    await store.save(
      {
        id: 'ra-test1',
        createdAt: now,
        updatedAt: now,
        findingId: 'f-1',
        findingType: 'Recon:Host/Portscan',
        severity: 8,
        ip: '203.0.113.5',
        responder: 'pf',
        policy: 'p',
        mode: 'approve',
        status: 'pending-approval',
        description: 'insert deny',
        expiresAt: now + 3_600_000,
        durationSeconds: 3600,
        undoState: null,
        error: null,
      },
      { event: 'pending-approval', by: 'policy', detail: 'p: approve' },
    );
    conn.closeSync();
    db.closeSync();
    const list = await runCaptured(['respond', 'list', '--config', config], { env });
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(/ra-test1\s+pending-approval\s+203\.0\.113\.5/);
    const approve = await runCaptured(
      ['respond', 'approve', 'ra-test1', '--config', config, '--by', 'alice'],
      { env },
    );
    expect(approve.code, approve.err).toBe(0);
    expect(approve.out).toMatch(/ra-test1 applied/);
    const rules = (): string[] =>
      d.zones
        .get('is1a')!
        .packetFilters.find((f) => String(f.ID) === OPEN_FILTER_ID)!
        .Expression!.map((e) => e.SourceNetwork ?? '');
    expect(rules()[0]).toBe('203.0.113.5');
    const undo = await runCaptured(['respond', 'undo', 'ra-test1', '--config', config], { env });
    expect(undo.out).toMatch(/ra-test1 undone/);
    expect(rules()).not.toContain('203.0.113.5');
    const again = await runCaptured(['respond', 'undo', 'ra-test1', '--config', config], { env });
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/nothing to undo/);
  }, 60_000);
});
