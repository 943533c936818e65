// Conntrack flows: the parser and interval deltas on the kernel's own lines, and for real in a
// network namespace the test creates (root, `ip` and `nft` needed; skips with the reason
// otherwise, unless SAKURA_GUARD_REQUIRE_SERVERS=1): a TCP transfer there becomes a conntrack
// entry with its byte counts, and the agent ships it to a running server as a flow row.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { defaultConfig } from '../config/schema.ts';
import { startServer } from '../server/serve.ts';
import { agentConfigSchema, runAgent } from './agent.ts';
import { ConntrackDeltas, parseConntrack } from './conntrack.ts';
import { namespaceSkipReason } from '../../test/netns.ts';

const PROC_LINE =
  'ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=51000 dport=22 packets=10 bytes=800 src=10.0.0.2 dst=10.0.0.1 sport=22 dport=51000 packets=8 bytes=1200 [ASSURED] mark=0 zone=0 use=2';

describe('conntrack parsing', () => {
  it('reads both directions of an entry, and deltas between reads', () => {
    const [e] = parseConntrack(`${PROC_LINE}\nnot a line\n`);
    expect(e).toEqual({
      proto: 'tcp',
      src: '10.0.0.1',
      dst: '10.0.0.2',
      sport: 51000,
      dport: 22,
      packets: 10,
      bytes: 800,
      replyPackets: 8,
      replyBytes: 1200,
      unreplied: false,
    });
    const d = new ConntrackDeltas('host-1');
    expect(d.next([e!], 1000).map((l) => JSON.parse(l) as Record<string, unknown>)).toMatchObject([
      { 'id.orig_p': 51000, orig_pkts: 10, orig_ip_bytes: 800, resp_ip_bytes: 1200, _node_name: 'host-1' },
    ]);
    expect(d.next([e!], 2000)).toEqual([]);
    const grown = { ...e!, packets: 15, bytes: 1300 };
    expect(JSON.parse(d.next([grown], 3000)[0]!)).toMatchObject({
      ts: 2,
      duration: 1,
      orig_pkts: 5,
      orig_ip_bytes: 500,
    });
  });
});

const why = namespaceSkipReason();

const NS = `sg-ct-${process.pid % 100000}`;
const PORT = 9443;
const run = (...args: string[]): string =>
  execFileSync(args[0]!, args.slice(1), { encoding: 'utf8', stdio: 'pipe' });

describe.skipIf(why !== null)('conntrack flows in a network namespace', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sg-ct-'));
    run('ip', 'netns', 'add', NS);
    run('ip', '-n', NS, 'link', 'set', 'lo', 'up');
    run('ip', 'netns', 'exec', NS, 'sysctl', '-q', '-w', 'net.netfilter.nf_conntrack_acct=1');
    // A stateful rule makes the kernel track this namespace's connections.
    run('ip', 'netns', 'exec', NS, 'nft', 'add table inet sgct');
    run('ip', 'netns', 'exec', NS, 'nft', 'add chain inet sgct in { type filter hook input priority 0 ; }');
    run('ip', 'netns', 'exec', NS, 'nft', 'add rule inet sgct in ct state established,related accept');
  }, 30_000);
  afterAll(() => {
    spawnSync('ip', ['netns', 'del', NS]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a 200 kB transfer becomes an entry with its bytes, and a flow row on the server', async () => {
    const script = `const net=require('net');const srv=net.createServer(s=>{s.on('data',()=>{});s.on('end',()=>s.end())}).listen(${PORT},'127.0.0.1',()=>{const c=net.connect(${PORT},'127.0.0.1',()=>c.end(Buffer.alloc(200000)));c.on('data',()=>{});c.on('close',()=>{console.log(require('fs').readFileSync('/proc/net/nf_conntrack','utf8'));srv.close()})})`;
    const r = spawnSync('ip', ['netns', 'exec', NS, process.execPath, '-e', script], {
      encoding: 'utf8',
      timeout: 15_000,
    });
    const entries = parseConntrack(r.stdout).filter((e) => e.dport === PORT);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.bytes).toBeGreaterThan(200_000);

    // The agent reads a copy of that table (the server runs outside the namespace) and ships it.
    const table = path.join(dir, 'nf_conntrack');
    writeFileSync(table, r.stdout);
    const config = defaultConfig();
    config.server.port = 0;
    let token = '';
    const server = await startServer({
      config,
      dataDir: path.join(dir, 'server'),
      clock: manualClock(Date.now()),
      version: 't',
      logStream: false,
      onBootstrapToken: (t) => {
        token = t;
      },
    });
    try {
      const stop = new AbortController();
      const timer = setTimeout(() => stop.abort(), 15_000);
      const agent = agentConfigSchema.parse({
        server: server.url,
        logs: [],
        stateDir: path.join(dir, 'agent'),
        conntrack: { enabled: true, path: table, intervalMs: 50, host: 'ct-host' },
        pollMs: 20,
      });
      await runAgent(agent, token, stop.signal, (c) => void (c.batchesSent >= 1 && stop.abort()));
      clearTimeout(timer);
      const q = await fetch(`${server.url}/api/v1/query`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: `SELECT resource, bytes FROM flows WHERE dst_port = ${PORT}` }),
      });
      const rows = ((await q.json()) as { rows: [string, number][] }).rows;
      expect(rows).toHaveLength(1);
      expect(rows[0]![0]).toBe('ct-host');
      expect(rows[0]![1]).toBeGreaterThan(200_000);
    } finally {
      await server.close();
    }
  }, 60_000);
});
