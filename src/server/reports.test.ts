// Scheduled reports start with serve: a schedule naming a channel that is not an e-mail channel
// stops the start with a message naming it (the schedule itself is tested in src/report/).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAlertingConfig } from '../alerts/config.ts';
import { manualClock } from '../core/clock.ts';
import { defaultConfig } from '../config/schema.ts';
import { reportsSchema } from '../report/config.ts';
import { startServer } from './serve.ts';

describe('serve with scheduled reports', () => {
  it('refuses a schedule whose channel is not an e-mail channel, and starts with a valid one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-reports-'));
    try {
      const config = defaultConfig();
      config.server.port = 0;
      config.alerting = parseAlertingConfig({
        channels: [
          { name: 'hook', kind: 'webhook', url: 'http://127.0.0.1:9/x', secret: 'a-secret-of-enough-length' },
          {
            name: 'mail',
            kind: 'email',
            host: '127.0.0.1',
            port: 2525,
            from: 'guard@example.test',
            to: ['ops@example.test'],
          },
        ],
        routes: [],
      });
      config.reports = reportsSchema.parse({
        schedules: [{ name: 'weekly', every: 'weekly', channel: 'hook' }],
      });
      const clock = manualClock(Date.parse('2026-11-23T00:00:00Z'));
      await expect(
        startServer({ config, dataDir: dir, clock, version: 't', logStream: false }),
      ).rejects.toThrow(/hook/);
      config.reports = reportsSchema.parse({
        schedules: [{ name: 'weekly', every: 'weekly', channel: 'mail' }],
      });
      const server = await startServer({ config, dataDir: dir, clock, version: 't', logStream: false });
      await server.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
