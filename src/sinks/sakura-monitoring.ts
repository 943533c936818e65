// Sakura Cloud Monitoring Suite logs (SAKURA.md §3): OTLP/HTTP with a JSON body, POSTed to the
// log storage's ingester endpoint (`https://{id}.logs.monitoring.global.api.sacloud.jp`) at
// `/v1/logs` with `Authorization: Bearer <token>`. One log record per finding (severity mapped to
// OTLP's severity numbers, the finding's fields as attributes) or one per digest. The token is
// never logged: failures name only the endpoint's origin. Limits: 5 MB per request, which one
// finding or digest stays far below.

import { z } from 'zod';
import { headline, type AlertMessage } from '../alerts/message.ts';
import type { Clock } from '../core/clock.ts';
import { postJson } from './http.ts';
import { DEFAULT_TIMEOUT_MS, type Sink } from './sink.ts';

export const sakuraMonitoringOptions = z.object({
  kind: z.literal('sakura-monitoring'),
  /** The log storage's ingester endpoint; `/v1/logs` is appended unless present. */
  endpoint: z.url({ protocol: /^https?$/ }),
  /** The log storage's ingestion token (sent as a bearer token). */
  token: z.string().min(8),
  /** OTLP resource attribute `service.name`. */
  serviceName: z.string().min(1).default('sakura-guard'),
  timeoutMs: z.number().int().positive().default(DEFAULT_TIMEOUT_MS),
});
export type SakuraMonitoringOptions = z.infer<typeof sakuraMonitoringOptions>;

type AnyValue = { stringValue: string } | { doubleValue: number } | { intValue: string };
type KeyValue = { key: string; value: AnyValue };

const str = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });
const num = (key: string, v: number): KeyValue =>
  Number.isInteger(v) ? { key, value: { intValue: String(v) } } : { key, value: { doubleValue: v } };

/** OTLP severity numbers: INFO 9, WARN 13, ERROR 17, FATAL 21. */
export function otlpSeverity(severity: number): { number: number; text: string } {
  if (severity >= 9) return { number: 21, text: 'FATAL' };
  if (severity >= 7) return { number: 17, text: 'ERROR' };
  if (severity >= 4) return { number: 13, text: 'WARN' };
  return { number: 9, text: 'INFO' };
}

const nanos = (ms: number): string => `${BigInt(Math.round(ms)) * 1_000_000n}`;

export function renderOtlpLogs(
  m: AlertMessage,
  deliveryId: string,
  nowMs: number,
  serviceName: string,
): string {
  let record: Record<string, unknown>;
  if (m.kind === 'finding') {
    const f = m.finding;
    const sev = otlpSeverity(f.severity);
    const attributes: KeyValue[] = [
      str('sakura_guard.delivery_id', deliveryId),
      str('sakura_guard.reason', m.reason),
      str('finding.id', f.id),
      str('finding.type', f.type),
      num('finding.severity', f.severity),
      str('finding.severity_label', f.severityLabel),
      str('finding.resource.ip', f.resource.ip),
      str('finding.actor.ip', f.actor.ip),
      str('finding.role', f.role),
      num('finding.count', f.count),
      str('finding.first_seen', f.firstSeen),
      str('finding.last_seen', f.lastSeen),
    ];
    if (f.resource.name !== null) attributes.push(str('finding.resource.name', f.resource.name));
    if (f.resource.tags !== undefined && f.resource.tags.length > 0)
      attributes.push(str('finding.resource.tags', f.resource.tags.join(',')));
    if (f.resource.zone) attributes.push(str('finding.resource.zone', f.resource.zone));
    if (f.actor.port !== null) attributes.push(num('finding.actor.port', f.actor.port));
    if (f.link !== null) attributes.push(str('finding.link', f.link));
    record = {
      timeUnixNano: nanos(Date.parse(f.lastSeen) || nowMs),
      observedTimeUnixNano: nanos(nowMs),
      severityNumber: sev.number,
      severityText: sev.text,
      body: { stringValue: `${headline(m)}: ${f.description}` },
      attributes,
    };
  } else {
    const max = Math.max(0, ...m.byType.map((t) => t.maxSeverity));
    const sev = otlpSeverity(max);
    record = {
      timeUnixNano: nanos(m.to),
      observedTimeUnixNano: nanos(nowMs),
      severityNumber: sev.number,
      severityText: sev.text,
      body: { stringValue: `${headline(m)}: ${m.byType.map((t) => `${t.type} ×${t.count}`).join(', ')}` },
      attributes: [
        str('sakura_guard.delivery_id', deliveryId),
        str('sakura_guard.reason', 'digest'),
        num('digest.total', m.total),
        str('digest.finding_ids', m.top.map((f) => f.id).join(',')),
      ],
    };
  }
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [str('service.name', serviceName)] },
        scopeLogs: [{ scope: { name: 'sakura-guard' }, logRecords: [record] }],
      },
    ],
  });
}

export function logsUrl(endpoint: string): string {
  const u = endpoint.replace(/\/+$/, '');
  return u.endsWith('/v1/logs') ? u : `${u}/v1/logs`;
}

export function createSakuraMonitoringSink(o: SakuraMonitoringOptions, clock: Clock): Sink {
  return {
    kind: 'sakura-monitoring',
    send: (m, deliveryId) =>
      postJson({
        url: logsUrl(o.endpoint),
        body: renderOtlpLogs(m, deliveryId, clock.now(), o.serviceName),
        timeoutMs: o.timeoutMs,
        headers: { authorization: `Bearer ${o.token}` },
      }),
    close: async () => {},
  };
}
