// The server's configuration: one YAML file (sakura-guard.yaml), validated by this schema. Every
// option has a default, so an empty file is a valid configuration; the type comes from the schema.

import { alertingSchema } from '../alerts/config.ts';
import { z } from 'zod';
import { pipelineConfigSchema } from '../engine/pipeline.ts';
import { rulesConfigSchema } from '../rules/config.ts';
import { respondSchema } from '../respond/config.ts';
import { sakuraConfigSchema } from '../sakura/config.ts';
import { reportsSchema } from '../report/config.ts';
import { netflowUdpConfigSchema } from '../sources/netflow-udp.ts';
import { syslogUdpConfigSchema } from '../server/syslog-udp.ts';
import { scaleOutSchema } from '../server/scale-out-config.ts';
import { httpIngestConfigSchema } from '../server/http-ingest.ts';

export const tlsSchema = z
  .object({
    /** PEM certificate chain file. TLS is on when both cert and key are set. */
    cert: z.string().min(1).optional(),
    /** PEM private key file. */
    key: z.string().min(1).optional(),
  })
  .strict()
  .refine((t) => (t.cert === undefined) === (t.key === undefined), {
    message: 'set both cert and key, or neither',
  });

export const serverSchema = z
  .object({
    /** Address to listen on; 127.0.0.1 keeps the API local, 0.0.0.0 / :: opens it. */
    host: z.string().min(1).default('127.0.0.1'),
    /** TCP port; 0 picks a free one (tests). */
    port: z.number().int().min(0).max(65535).default(8080),
    tls: tlsSchema.default({}),
    /** Largest request body accepted, in bytes. */
    bodyLimitBytes: z.number().int().min(1024).default(1_048_576),
    /** Requests per client address per minute (every route but health). */
    rateLimitPerMinute: z.number().int().min(1).default(600),
    /** Seconds to wait for in-flight requests at shutdown before closing anyway. */
    shutdownTimeoutSeconds: z.number().min(0).default(10),
  })
  .strict();

export const authSchema = z
  .object({
    /** A session ends after this many minutes without a request. */
    sessionIdleMinutes: z.number().min(1).default(30),
    /** A session ends this many hours after login, active or not. */
    sessionAbsoluteHours: z.number().min(0.1).default(12),
    /** Failed logins for one user name before it is locked. */
    maxFailedLogins: z.number().int().min(1).default(5),
    /** Minutes a locked user name stays locked. */
    lockoutMinutes: z.number().min(1).default(15),
    /** Login attempts per client address per minute, whatever the user name. */
    loginAttemptsPerMinute: z.number().int().min(1).default(10),
    /** Admins must pass a TOTP code (RFC 6238) at login once they have enrolled one. */
    requireTotpForAdmins: z.boolean().default(true),
    /** Days an API token lives when its creator gives no expiry. */
    defaultTokenDays: z.number().min(1).default(90),
  })
  .strict();

export const querySchema = z
  .object({
    /** Rows a query returns at most. */
    maxRows: z.number().int().min(1).default(10_000),
    /** A query is stopped after this many milliseconds. */
    timeoutMs: z.number().int().min(100).default(30_000),
  })
  .strict();

export const logSchema = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict();

export const inputsSchema = z
  .object({
    /** NetFlow v5/v9 and IPFIX over UDP (docs/netflow.md has every option). */
    netflow: netflowUdpConfigSchema
      .extend({ enabled: z.boolean().default(false) })
      .strict()
      .prefault({}),
    /** Syslog over UDP: iptables/nftables LOG lines, sshd, web servers, Sakura routers. */
    syslog: syslogUdpConfigSchema.prefault({}),
    /** POST /api/v1/ingest (NDJSON from Fluent Bit, Vector, the agent): batch size and queue bound. */
    http: httpIngestConfigSchema.prefault({}),
  })
  .strict();

export const configSchema = z
  .object({
    /** Data directory (store, findings, users); the CLI's --data-dir wins over it. */
    dataDir: z.string().min(1).default('data'),
    server: serverSchema.default(serverSchema.parse({})),
    auth: authSchema.default(authSchema.parse({})),
    query: querySchema.default(querySchema.parse({})),
    log: logSchema.default(logSchema.parse({})),
    inputs: inputsSchema.prefault({}),
    /** Live detection over what the inputs receive (docs/detections.md has every key). */
    detection: pipelineConfigSchema.prefault({}),
    /** Alert channels and routes (docs/alerting.md has every key). */
    alerting: alertingSchema.prefault({}),
    /** User-written detection rules: directories, enabled/disabled ids (docs/rules.md). */
    rules: rulesConfigSchema.prefault({}),
    /** Sakura Cloud API: inventory sync and router polling (docs/sakura.md has every key). */
    sakura: sakuraConfigSchema.prefault({}),
    /** Automated response: responders, policies, protected addresses (docs/response.md). */
    respond: respondSchema.prefault({}),
    /** Scheduled reports mailed through an e-mail channel (docs/reports.md has every key). */
    reports: reportsSchema.prefault({}),
    /** Scale-out roles: NATS JetStream, ClickHouse and PostgreSQL (docs/deployment.md). */
    scaleOut: scaleOutSchema.prefault({}),
  })
  .strict();

export type SakuraGuardConfig = z.infer<typeof configSchema>;
export type ServerConfig = z.infer<typeof serverSchema>;
export type AuthConfig = z.infer<typeof authSchema>;

export function defaultConfig(): SakuraGuardConfig {
  return configSchema.parse({});
}
