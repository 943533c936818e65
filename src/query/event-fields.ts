// The field names a pipe query over `events` (log events: sshd, web access and error logs,
// firewall and Sakura router lines; docs/data-model.md) may use, in the same spellings as the flow
// fields where they mean the same thing (`srcAddr`, `src_ip`...). Source-specific values live in
// the `fields` JSON column: the common ones have a name here, read with a constant JSON path.

import type { FieldAlias, FieldDef } from './fields.ts';

const column = (names: string[], sql: string, type: FieldDef['type'], description: string): FieldAlias => ({
  names,
  sql,
  type,
  description,
});

/** A value of the `fields` JSON object, by a constant key. */
const json = (key: string, description: string, more: string[] = []): FieldAlias =>
  column([key, ...more], `json_extract_string(fields, '$.${key}')`, 'text', description);

const jsonNumber = (key: string, description: string, more: string[] = []): FieldAlias =>
  column(
    [key, ...more],
    `TRY_CAST(json_extract_string(fields, '$.${key}') AS BIGINT)`,
    'number',
    description,
  );

export const EVENT_FIELD_ALIASES: readonly FieldAlias[] = [
  column(['@timestamp', 'time'], 'time', 'timestamp', 'when the event was logged (TIMESTAMP)'),
  column(['@message', 'message'], 'message', 'text', 'the log line as received'),
  column(['@logStream', 'host'], 'host', 'text', 'host that logged the event (syslog host name)'),
  column(['kind'], 'kind', 'text', 'auth, http, firewall, dns or other'),
  column(
    ['outcome'],
    'outcome',
    'text',
    'auth: success, failure, invalid_user, disconnect, negotiation_failed; http: the status code as text; firewall: blocked, allowed, unknown',
  ),
  column(['srcAddr', 'src_ip', 'src_addr', 'srcIp'], 'src_ip', 'text', 'source (client) address'),
  column(['srcPort', 'src_port'], 'src_port', 'number', 'source port'),
  column(['dstAddr', 'dst_ip', 'dst_addr', 'dstIp'], 'dst_ip', 'text', 'destination address'),
  column(['dstPort', 'dst_port'], 'dst_port', 'number', 'destination port'),
  column(['user'], '"user"', 'text', 'user name (sshd, HTTP basic auth)'),
  column(['source'], 'source', 'text', 'which input produced the event (sshd, access, sakura-router...)'),
  column(['fields'], 'fields', 'text', 'the source-specific fields as a JSON object'),
  json('program', 'syslog program (sshd, sshd-session...)'),
  jsonNumber('pid', 'process id'),
  json('method', 'sshd: authentication method; http: request method'),
  json('reason', 'sshd: why a login failed or a connection closed'),
  json('rhost', 'sshd: client host name when it was not an address'),
  json('path', 'http: request target (path and query)'),
  jsonNumber('status', 'http: response status (401 for nginx error-log auth failures)'),
  json('user_agent', 'http: User-Agent', ['userAgent']),
  json('referer', 'http: Referer'),
  json('request', 'http: the request line as logged'),
  json('vhost', 'http: virtual host (Host header in nginx error logs)'),
  json('log', 'http: `error` for nginx error-log lines'),
  json(
    'error',
    'nginx error log: auth_fail, not_found, forbidden, limit_req, limit_conn, ssl_handshake, other',
  ),
  json('level', 'nginx error log: level'),
  json('inferred', 'Sakura router: what the tolerant parser guessed'),
];

const BY_NAME = new Map<string, FieldDef>();
for (const alias of EVENT_FIELD_ALIASES) {
  for (const name of alias.names) {
    const key = name.toLowerCase();
    if (BY_NAME.has(key)) throw new Error(`duplicate event field alias ${name}`);
    BY_NAME.set(key, { sql: alias.sql, type: alias.type });
  }
}

/** The event field a name refers to, or undefined. Case-insensitive. */
export function lookupEventField(name: string): FieldDef | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Every accepted spelling (for suggestions and docs). */
export function allEventFieldNames(): string[] {
  return EVENT_FIELD_ALIASES.flatMap((a) => a.names);
}
