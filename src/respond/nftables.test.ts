// The nftables responder for real: two network namespaces joined by a veth pair, a TCP server in
// the "victim" namespace, connections from the "attacker" namespace. Needs root, `ip` (iproute2)
// and `nft` (nftables); skips with the reason otherwise, unless SAKURA_GUARD_REQUIRE_SERVERS=1.

import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNftablesResponder } from './nftables.ts';
import type { ResponseTarget } from './responder.ts';
import { namespaceSkipReason } from '../../test/netns.ts';

const why = namespaceSkipReason();

const tag = `${process.pid % 100000}`;
const ATT = `sg-att-${tag}`;
const VIC = `sg-vic-${tag}`;
const ATT_IP = '203.0.113.66';
const VIC_IP = '203.0.113.10';
const PORT = 8080;
const TABLE = `sg_test_${tag}`;

const ip = (...args: string[]): void => {
  execFileSync('ip', args, { stdio: 'pipe' });
};

/** Connects from the attacker namespace; true when the server answered within 800 ms. */
function reachable(): boolean {
  const script = `const s=require('net').connect(${PORT},'${VIC_IP}');s.setTimeout(800,()=>{console.log('timeout');process.exit(0)});s.on('data',d=>{console.log(String(d));process.exit(0)});s.on('error',e=>{console.log('error '+e.code);process.exit(0)})`;
  const r = spawnSync('ip', ['netns', 'exec', ATT, process.execPath, '-e', script], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  return r.stdout.trim() === 'hello';
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let server: ChildProcess | null = null;

describe.skipIf(why !== null)('nftables responder in network namespaces', () => {
  beforeAll(async () => {
    ip('netns', 'add', ATT);
    ip('netns', 'add', VIC);
    ip('link', 'add', `sga${tag}`, 'type', 'veth', 'peer', 'name', `sgv${tag}`);
    ip('link', 'set', `sga${tag}`, 'netns', ATT);
    ip('link', 'set', `sgv${tag}`, 'netns', VIC);
    ip('-n', ATT, 'addr', 'add', `${ATT_IP}/24`, 'dev', `sga${tag}`);
    ip('-n', VIC, 'addr', 'add', `${VIC_IP}/24`, 'dev', `sgv${tag}`);
    for (const [ns, dev] of [
      [ATT, `sga${tag}`],
      [VIC, `sgv${tag}`],
    ] as const) {
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'link', 'set', dev, 'up');
    }
    const script = `require('net').createServer(s=>s.end('hello')).listen(${PORT},'${VIC_IP}',()=>console.log('listening'))`;
    const child = spawn('ip', ['netns', 'exec', VIC, process.execPath, '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    server = child;
    await new Promise<void>((resolve, reject) => {
      child.stdout?.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
    });
  }, 30_000);

  afterAll(() => {
    server?.kill('SIGKILL');
    for (const ns of [ATT, VIC]) spawnSync('ip', ['netns', 'del', ns]);
  });

  const responder = createNftablesResponder({
    kind: 'nftables',
    name: 'host',
    table: TABLE,
    command: 'nft',
    netns: VIC,
  });
  const target = (durationSeconds: number, actionId: string): ResponseTarget => ({
    actionId,
    ip: ATT_IP,
    findingId: 'f-1',
    findingType: 'Recon:Host/Portscan',
    expiresAtMs: 0,
    durationSeconds,
  });
  const inSet = (): boolean =>
    execFileSync('ip', ['netns', 'exec', VIC, 'nft', 'list', 'set', 'inet', TABLE, 'blocked4'], {
      encoding: 'utf8',
    }).includes(ATT_IP);

  it("drops the attacker's traffic, then lets it through again once the timeout passes", async () => {
    expect(reachable()).toBe(true);
    expect(responder.describe(target(2, 'ra-1'))).toBe(
      `add ${ATT_IP} to nftables set inet ${TABLE} blocked4 with timeout 2s in netns ${VIC}`,
    );
    await responder.apply(target(2, 'ra-1'));
    expect(inSet()).toBe(true);
    expect(reachable()).toBe(false);
    // The kernel lifts the block by itself: wait for the element to expire (bounded).
    for (let i = 0; i < 40 && inSet(); i++) await sleep(250);
    expect(inSet()).toBe(false);
    expect(reachable()).toBe(true);
    // Undo after expiry is harmless.
    await responder.undo(target(2, 'ra-1'), {});
  }, 30_000);

  it('undo lifts a block before its timeout', async () => {
    await responder.apply(target(600, 'ra-2'));
    expect(reachable()).toBe(false);
    await responder.undo(target(600, 'ra-2'), {});
    expect(inSet()).toBe(false);
    expect(reachable()).toBe(true);
  }, 30_000);
});

describe.skipIf(why === null)('nftables responder (skipped here)', () => {
  it(`cannot run: ${why ?? ''}`, () => {
    expect(why).not.toBeNull();
  });
});
