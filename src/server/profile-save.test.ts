// serve saves the host profiles periodically (detection.profileSaveSeconds of its clock), not
// only at stop: a server killed without a clean stop loses at most one interval of learning.

import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { defaultConfig } from '../config/schema.ts';
import { v5SynProbes } from '../parsers/netflow/encode.ts';
import { waitFor } from '../sinks/test-receivers.ts';
import { startServer } from './serve.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('serve saves host profiles', () => {
  it.each([
    [300, ['10.0.0.9']],
    [0, []],
  ])('every profileSaveSeconds (%i s: saved %j before the stop)', async (every, expected) => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-profile-save-'));
    dirs.push(dir);
    const clock = manualClock(Date.parse('2026-11-23T12:00:00Z'));
    const config = defaultConfig();
    config.server.port = 0;
    config.inputs.netflow.enabled = true;
    config.inputs.netflow.listen = [{ host: '127.0.0.1', port: 0 }];
    config.detection.profileSaveSeconds = every;
    const server = await startServer({ config, dataDir: dir, clock, version: 't', logStream: false });
    const sock = createSocket('udp4');
    try {
      const conn = (server.deps.flows as unknown as { connection: DuckDBConnection }).connection;
      const saved = async (): Promise<string[]> =>
        (await conn.runAndReadAll('SELECT ip FROM host_profiles ORDER BY ip'))
          .getRows()
          .map((r) => String(r[0]));
      await new Promise<void>((resolve, reject) =>
        sock.send(
          v5SynProbes('203.0.113.44', '10.0.0.9', [22, 80], clock.now()),
          server.live.netflow[0]?.port ?? 0,
          '127.0.0.1',
          (e) => (e ? reject(e) : resolve()),
        ),
      );
      await waitFor(() => (server.live.netflowCounters()?.receivedPackets ?? 0) === 1);
      await server.live.settle();
      // Learned, not saved yet: the interval has not passed.
      expect(await saved()).toEqual([]);
      clock.advance(301_000);
      await server.live.settle();
      expect(await saved()).toEqual(expected);
    } finally {
      sock.close();
      await server.close();
    }
  });
});
