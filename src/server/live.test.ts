// Live NetFlow in serve: the lab's softflowd capture replayed over loopback UDP to a running
// server becomes rows visible through the API, and the metrics move.

import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../core/clock.ts';
import { defaultConfig } from '../config/schema.ts';
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
    } finally {
      for (const sock of senders.values()) sock.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
