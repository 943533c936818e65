import { describe, expect, it } from 'vitest';
import { channelSchema } from '../alerts/config.ts';
import { findingMessage } from '../alerts/test-findings.ts';
import { manualClock } from '../core/clock.ts';
import {
  createSakuraMonitoringSink,
  logsUrl,
  otlpSeverity,
  sakuraMonitoringOptions,
} from './sakura-monitoring.ts';
import { sinkContract } from './sink.contract.ts';
import { SinkError } from './sink.ts';
import { startHttpReceiver } from './test-receivers.ts';

const clock = manualClock(Date.parse('2026-11-20T00:10:00Z'));
const TOKEN = 'ms-ingest-token-0123456789';

sinkContract('sakura-monitoring', async () => {
  const rx = await startHttpReceiver((r) =>
    r.headers.authorization === `Bearer ${TOKEN}` ? undefined : 401,
  );
  const sink = createSakuraMonitoringSink(
    sakuraMonitoringOptions.parse({
      kind: 'sakura-monitoring',
      endpoint: `http://127.0.0.1:${rx.port}`,
      token: TOKEN,
    }),
    clock,
  );
  return {
    sink,
    received: () => rx.requests.length,
    stopReceiver: () => rx.stop(),
    dispose: () => rx.stop(),
  };
});

describe('Sakura Monitoring Suite sink', () => {
  it('POSTs OTLP/HTTP JSON logs to /v1/logs with the bearer token', async () => {
    const rx = await startHttpReceiver();
    try {
      const sink = createSakuraMonitoringSink(
        sakuraMonitoringOptions.parse({
          kind: 'sakura-monitoring',
          endpoint: `http://127.0.0.1:${rx.port}/`,
          token: TOKEN,
        }),
        clock,
      );
      await sink.send(
        findingMessage({ severity: 8, resource: { ip: '198.51.100.13', name: 'is1a-web-03', id: null } }),
        'd-1',
      );
      const req = rx.requests[0]!;
      expect(req.path).toBe('/v1/logs');
      expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(req.headers['content-type']).toBe('application/json');
      const body = JSON.parse(req.body) as {
        resourceLogs: { resource: unknown; scopeLogs: { logRecords: Record<string, unknown>[] }[] }[];
      };
      const rec = body.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
      expect(body.resourceLogs[0]!.resource).toEqual({
        attributes: [{ key: 'service.name', value: { stringValue: 'sakura-guard' } }],
      });
      expect(rec).toMatchObject({
        severityNumber: 17,
        severityText: 'ERROR',
        timeUnixNano: `${Date.parse('2026-11-20T00:05:00Z')}000000`,
        observedTimeUnixNano: `${clock.now()}000000`,
      });
      expect(rec.attributes).toEqual(
        expect.arrayContaining([
          { key: 'finding.id', value: { stringValue: 'f1' } },
          { key: 'finding.resource.name', value: { stringValue: 'is1a-web-03' } },
          { key: 'finding.severity', value: { intValue: '8' } },
        ]),
      );
    } finally {
      await rx.stop();
    }
  });

  it('never shows the token in a failure', async () => {
    const rx = await startHttpReceiver(() => 401);
    try {
      const sink = createSakuraMonitoringSink(
        sakuraMonitoringOptions.parse({
          kind: 'sakura-monitoring',
          endpoint: `http://127.0.0.1:${rx.port}`,
          token: TOKEN,
        }),
        clock,
      );
      const err = await sink.send(findingMessage(), 'd-2').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SinkError);
      expect((err as SinkError).retryable).toBe(false);
      expect(`${String(err)} ${(err as Error).stack ?? ''}`).not.toContain(TOKEN);
    } finally {
      await rx.stop();
    }
  });

  it('maps severities and endpoints, and is a channel kind of the alerting section', () => {
    expect([2, 5, 7.5, 9.5].map((s) => otlpSeverity(s).text)).toEqual(['INFO', 'WARN', 'ERROR', 'FATAL']);
    expect(logsUrl('https://123.logs.monitoring.global.api.sacloud.jp')).toBe(
      'https://123.logs.monitoring.global.api.sacloud.jp/v1/logs',
    );
    expect(logsUrl('https://x.example/v1/logs/')).toBe('https://x.example/v1/logs');
    const ch = channelSchema.parse({
      kind: 'sakura-monitoring',
      name: 'ms',
      endpoint: 'https://1.logs.example',
      token: TOKEN,
    });
    expect(ch).toMatchObject({ kind: 'sakura-monitoring', serviceName: 'sakura-guard', dedupMinutes: 1440 });
  });
});
