// Alerting wired into serve: a scan arriving over live NetFlow becomes a finding at once and a
// signed webhook call on a real HTTP receiver, without waiting for the window to close.

import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { defaultConfig } from '../config/schema.ts';
import { parseAlertingConfig } from '../alerts/config.ts';
import { v5SynProbes } from '../parsers/netflow/encode.ts';
import { startHttpReceiver, waitFor } from '../sinks/test-receivers.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from '../sinks/webhook.ts';
import { startServer } from './serve.ts';

describe('serve with alerting', () => {
  it('sends a live scan finding to a webhook once, signed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-alert-'));
    const receiver = await startHttpReceiver();
    const clock = manualClock(Date.parse('2026-11-23T12:00:00Z'));
    const config = defaultConfig();
    config.server.port = 0;
    config.inputs.netflow.enabled = true;
    config.inputs.netflow.listen = [{ host: '127.0.0.1', port: 0 }];
    const secret = 'a-webhook-secret-of-some-length';
    config.alerting = parseAlertingConfig({
      channels: [{ name: 'hook', kind: 'webhook', url: receiver.url, secret }],
      routes: [{ minSeverity: 'low', channels: ['hook'] }],
    });
    const server = await startServer({ config, dataDir: dir, clock, version: 't', logStream: false });
    const sock = createSocket('udp4');
    try {
      expect(server.alerting).not.toBeNull();
      const ports = Array.from({ length: 20 }, (_, i) => 3000 + i);
      await new Promise<void>((resolve, reject) =>
        sock.send(
          v5SynProbes('203.0.113.77', '10.0.0.9', ports, clock.now()),
          server.live.netflow[0]?.port ?? 0,
          '127.0.0.1',
          (e) => (e ? reject(e) : resolve()),
        ),
      );
      await waitFor(() => (server.live.netflowCounters()?.receivedPackets ?? 0) === 1);
      await server.live.settle();
      await server.alerting?.settle();
      await waitFor(() => receiver.requests.length > 0);
      const req = receiver.requests[0]!;
      expect(req.body).toContain('Recon:Host/Portscan');
      expect(req.body).toContain('203.0.113.77');
      const header = (n: string): string | undefined => {
        const v = req.headers[n];
        return Array.isArray(v) ? v[0] : v;
      };
      const signed = { timestamp: header(TIMESTAMP_HEADER), signature: header(SIGNATURE_HEADER) };
      expect(verifyWebhook(secret, signed, req.body, clock.now() / 1000)).toBe(true);
      // The window's close merges into the same finding: no second message.
      clock.advance((300 + config.detection.allowedLatenessSeconds + 60) * 1000);
      await server.live.settle();
      await server.alerting?.settle();
      expect(receiver.requests).toHaveLength(1);
      const metrics = await server.deps.metrics.render();
      expect(metrics).toContain('sakura_guard_alert_deliveries_total 1');
      expect(metrics).toContain('sakura_guard_alert_dead_letters_total 0');
    } finally {
      sock.close();
      await server.close();
      await receiver.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
