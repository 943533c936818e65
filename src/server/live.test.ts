// Live NetFlow in serve: the lab's softflowd capture replayed over loopback UDP to a running
// server becomes rows visible through the API, and the metrics move.

import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manualClock, systemClock } from '../core/clock.ts';
import { defaultConfig } from '../config/schema.ts';
import { v5SynProbes } from '../parsers/netflow/encode.ts';
import { readUdpFromPcap, SOFTFLOWD_CAPTURE } from '../parsers/netflow/testdata/read-pcap.ts';
import { startServer } from './serve.ts';

/** Polls until `done()` or a deadline; never asserts on durations. */
async function until(done: () => boolean, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out waiting for the collector');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('serve with live NetFlow', () => {
  it('stores and counts what arrives, visible through the API', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-live-'));
    const config = defaultConfig();
    config.server.port = 0;
    config.inputs.netflow.enabled = true;
    config.inputs.netflow.listen = [{ host: '127.0.0.1', port: 0 }];
    let token = '';
    const server = await startServer({
      config,
      dataDir: dir,
      clock: systemClock,
      version: 't',
      logStream: false,
      onBootstrapToken: (t) => {
        token = t;
      },
    });
    // One sending socket per export of the capture, as three exporters.
    const senders = new Map([9995, 9996, 9997].map((p) => [p, createSocket('udp4')]));
    try {
      const port = server.live.netflow[0]?.port ?? 0;
      expect(port).toBeGreaterThan(0);
      const datagrams = readUdpFromPcap(SOFTFLOWD_CAPTURE);
      const received = (): number => server.live.netflowCounters()?.receivedPackets ?? 0;
      let sent = 0;
      for (const d of datagrams) {
        const sock = senders.get(d.dstPort)!;
        await new Promise<void>((resolve, reject) =>
          sock.send(d.payload, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
        );
        sent++;
        if (sent % 64 === 0) await until(() => received() === sent); // paced: the kernel buffer never fills
      }
      await until(() => received() === datagrams.length);
      await server.live.settle();
      const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const r = await fetch(`${server.url}/api/v1/query`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ query: 'SELECT count(*) AS n FROM flows' }),
      });
      const body = (await r.json()) as { rows: number[][] };
      expect(body.rows[0]?.[0]).toBe(3 * 13_207);
      const metrics = await (await fetch(`${server.url}/metrics`, { headers: auth })).text();
      expect(metrics).toContain(`sakura_guard_records_in_total{source="netflow"} ${3 * 13_207}`);
      expect(metrics).toContain(`sakura_guard_input_datagrams_total{source="netflow"} ${datagrams.length}`);
      expect(metrics).toContain('sakura_guard_input_dropped_total{source="netflow"} 0');
      expect(metrics).toMatch(/sakura_guard_detector_state_entries\{detector="[^"]+"\} \d+/);
    } finally {
      for (const sock of senders.values()) sock.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a port scan arriving over NetFlow is a finding at once, and the window close merges into it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-live-'));
    const clock = manualClock(Date.parse('2026-11-23T12:00:00Z'));
    const config = defaultConfig();
    config.server.port = 0;
    config.inputs.netflow.enabled = true;
    config.inputs.netflow.listen = [{ host: '127.0.0.1', port: 0 }];
    let token = '';
    const server = await startServer({
      config,
      dataDir: dir,
      clock,
      version: 't',
      logStream: false,
      onBootstrapToken: (t) => {
        token = t;
      },
    });
    const sock = createSocket('udp4');
    try {
      const ports = Array.from({ length: 25 }, (_, i) => 1000 + i);
      const packet = v5SynProbes('203.0.113.50', '10.0.0.5', ports, clock.now(), 1);
      await new Promise<void>((resolve, reject) =>
        sock.send(packet, server.live.netflow[0]?.port ?? 0, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
      );
      await until(() => (server.live.netflowCounters()?.receivedPackets ?? 0) === 1);
      await server.live.settle();
      const list = async (): Promise<{ total: number; items: { type: string; actor: { ip: string } }[] }> =>
        (await (
          await fetch(`${server.url}/api/v1/findings`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as { total: number; items: { type: string; actor: { ip: string } }[] };
      // Live mode: the attempt that crossed the threshold made the finding; the window is still open.
      const early = await list();
      expect(early.total).toBe(1);
      expect(early.items[0]?.type).toMatch(/Portscan/);
      clock.advance((300 + config.detection.allowedLatenessSeconds + 60) * 1000);
      await server.live.settle();
      const after = await list();
      expect(after.total).toBe(1);
      expect((after.items[0] as { count?: number } | undefined)?.count).toBe(1);
      expect(after.items[0]?.type).toMatch(/Portscan/);
      expect(after.items[0]?.actor.ip).toBe('203.0.113.50');
    } finally {
      sock.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('iptables LOG lines over syslog UDP become flows and a port-scan finding', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-live-'));
    const clock = manualClock(Date.parse('2026-11-23T12:00:00Z'));
    const config = defaultConfig();
    config.server.port = 0;
    config.inputs.syslog.enabled = true;
    config.inputs.syslog.listen = [{ host: '127.0.0.1', port: 0 }];
    let token = '';
    const server = await startServer({
      config,
      dataDir: dir,
      clock,
      version: 't',
      logStream: false,
      onBootstrapToken: (t) => {
        token = t;
      },
    });
    const sock = createSocket('udp4');
    try {
      const port = server.live.syslog[0]?.port ?? 0;
      const lines = Array.from(
        { length: 25 },
        (_, i) =>
          `<4>Nov 23 11:59:50 vm kernel: [ 1.0] NDR-DROP: IN=eth0 OUT= SRC=203.0.113.60 DST=10.0.0.7 LEN=44 PROTO=TCP SPT=${40000 + i} DPT=${2000 + i} SYN`,
      );
      lines.push('not a syslog line');
      for (const line of lines) {
        await new Promise<void>((resolve, reject) =>
          sock.send(Buffer.from(line), port, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
        );
      }
      await until(() => (server.live.syslogCounters()?.receivedPackets ?? 0) === lines.length);
      await server.live.settle();
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const q = await fetch(`${server.url}/api/v1/query`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          query: "SELECT count(*) FROM flows WHERE source = 'iptables' AND action = 'reject'",
        }),
      });
      expect(((await q.json()) as { rows: number[][] }).rows).toEqual([[25]]);
      clock.advance((300 + config.detection.allowedLatenessSeconds + 60) * 1000);
      await server.live.settle();
      const list = (await (await fetch(`${server.url}/api/v1/findings`, { headers })).json()) as {
        items: { type: string; actor: { ip: string } }[];
      };
      expect(list.items.map((f) => [f.type, f.actor.ip])).toEqual([['Recon:Host/Portscan', '203.0.113.60']]);
      const metrics = await (await fetch(`${server.url}/metrics`, { headers })).text();
      expect(metrics).toContain('sakura_guard_records_in_total{source="syslog"} 25');
      expect(metrics).toContain('sakura_guard_records_quarantined_total{source="syslog"} 1');
    } finally {
      sock.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
