// A restart does not forget detection state: serve replays the stored records of the last hour
// through detection before accepting input, so an attack that spans a restart is found, and an
// attack found before it is not found twice.

import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { defaultConfig, type SakuraGuardConfig } from '../config/schema.ts';
import { v5SynProbes } from '../parsers/netflow/encode.ts';
import { waitFor } from '../sinks/test-receivers.ts';
import { startServer } from './serve.ts';

const clock = manualClock(Date.parse('2026-11-23T12:00:00Z'));

const probes = (src: string, ports: readonly number[]): Buffer =>
  v5SynProbes(src, '10.0.0.9', ports, clock.now());

async function withServer<T>(
  dir: string,
  config: SakuraGuardConfig,
  fn: (
    send: (b: Buffer) => Promise<void>,
    list: () => Promise<{ id: string; count: number }[]>,
  ) => Promise<T>,
): Promise<T> {
  const server = await startServer({
    config,
    dataDir: dir,
    clock,
    version: 't',
    logStream: process.env.SG_DEBUG ? process.stderr : false,
  });
  const sock = createSocket('udp4');
  try {
    let sent = 0;
    const send = async (b: Buffer): Promise<void> => {
      await new Promise<void>((resolve, reject) =>
        sock.send(b, server.live.netflow[0]?.port ?? 0, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
      );
      sent++;
      await waitFor(() => (server.live.netflowCounters()?.receivedPackets ?? 0) === sent);
      await server.live.settle();
    };
    const list = async () => (await server.deps.findings.list({})).map((f) => ({ id: f.id, count: f.count }));
    return await fn(send, list);
  } finally {
    sock.close();
    await server.close();
  }
}

function liveConfig(replaySeconds: number): SakuraGuardConfig {
  const config = defaultConfig();
  config.server.port = 0;
  config.inputs.netflow.enabled = true;
  config.inputs.netflow.listen = [{ host: '127.0.0.1', port: 0 }];
  config.detection.replaySeconds = replaySeconds;
  return config;
}

describe('serve restarts', () => {
  it.each([
    [3600, 1],
    [0, 0],
  ])('a scan split by a restart is found (replay %i s: %i findings)', async (replay, expected) => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-restart-'));
    try {
      const ports = Array.from({ length: 15 }, (_, i) => 7000 + i);
      await withServer(dir, liveConfig(replay), async (send, list) => {
        await send(probes('203.0.113.44', ports.slice(0, 10)));
        expect(await list()).toEqual([]);
      });
      const after = await withServer(dir, liveConfig(replay), async (send, list) => {
        await send(probes('203.0.113.44', ports.slice(10)));
        return list();
      });
      expect(after).toHaveLength(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a scan found before a restart is the same finding after it, counted once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-restart-'));
    try {
      const ports = Array.from({ length: 20 }, (_, i) => 8000 + i);
      const before = await withServer(dir, liveConfig(3600), async (send, list) => {
        await send(probes('203.0.113.45', ports));
        return list();
      });
      expect(before).toHaveLength(1);
      const after = await withServer(dir, liveConfig(3600), async (_send, list) => list());
      expect(after).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
