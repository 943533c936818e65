// The web server log input: nginx/Apache common and combined lines and nginx error-log lines,
// plain or inside a syslog message (nginx `access_log syslog:`), -> http LogEvents (outcome = the
// status code as text; for error-log lines `401` for auth failures, else `error`).

import type { LogEvent } from '../../core/records.ts';
import { parseSyslog, type SyslogTimeOptions } from '../syslog/header.ts';
import { EventLineParser } from '../event-line-parser.ts';
import { rejection } from '../syslog/lines.ts';
import { parseErrorLine, type ErrorRecord } from './error-line.ts';
import { parseAccessLine, type AccessRecord } from './line.ts';

export interface AccessLogParserOptions {
  file?: string;
  /** Host name to report as the event host (the web server). Default null. */
  host?: string;
  /** Value of the `source` field. Default `access`. */
  source?: string;
  maxLineBytes?: number;
}

export class AccessLogParser extends EventLineParser {
  private readonly host: string | null;
  private readonly source: string;
  private readonly syslogTime: SyslogTimeOptions = { referenceMs: 0 };

  constructor(options: AccessLogParserOptions = {}) {
    super(options.file, options.maxLineBytes);
    this.host = options.host ?? null;
    this.source = options.source ?? 'access';
  }

  /** For the syslog receiver: the message part of a syslog line from nginx/apache. */
  message(text: string, host: string | null, origin: { file: string; line: number }): void {
    const r = parseAccessLine(text);
    if (r.ok) {
      this.out.events.push(toEvent(r.value, host ?? this.host, this.source, text));
      return;
    }
    const e = parseErrorLine(text);
    if (e.ok) {
      this.out.events.push(errorToEvent(e.value, host ?? this.host, this.source, text));
      return;
    }
    this.out.rejections.push(
      rejection(origin.file, origin.line, e.reason === 'not-nginx-error' ? r.reason : e.reason, text),
    );
  }

  protected line(text: string, line: number): void {
    if (text.trim() === '') return;
    const r = parseAccessLine(text);
    if (r.ok) {
      this.out.events.push(toEvent(r.value, this.host, this.source, text));
      return;
    }
    const e = parseErrorLine(text);
    if (e.ok) {
      this.out.events.push(errorToEvent(e.value, this.host, this.source, text));
      return;
    }
    if (e.reason !== 'not-nginx-error') {
      this.out.rejections.push(rejection(this.file, line, e.reason, text));
      return;
    }
    // nginx logging to syslog: `Mmm dd hh:mm:ss host nginx: <access line>` (the year comes from the line itself).
    const h = parseSyslog(text, this.syslogTime);
    if (h.ok && h.value.format !== 'no-time') {
      this.message(h.value.message, h.value.host ?? this.host, { file: this.file, line });
      return;
    }
    this.out.rejections.push(rejection(this.file, line, r.reason, text));
  }
}

export function toEvent(a: AccessRecord, host: string | null, source: string, text: string): LogEvent {
  const fields: LogEvent['fields'] = { status: a.status, request: a.request };
  if (a.method !== null) fields.method = a.method;
  if (a.path !== null) fields.path = a.path;
  if (a.protocol !== null) fields.protocol = a.protocol;
  if (a.bytes !== null) fields.bytes = a.bytes;
  if (a.referer !== null) fields.referer = a.referer;
  if (a.userAgent !== null) fields.user_agent = a.userAgent;
  if (a.vhost !== null) fields.vhost = a.vhost;
  if (a.clientIp === null) fields.client = a.client;
  return {
    time: a.time,
    kind: 'http',
    outcome: String(a.status),
    src_ip: a.clientIp,
    src_port: null,
    dst_ip: null,
    dst_port: null,
    user: a.user,
    message: text,
    source,
    host,
    fields,
  };
}

/** An nginx error-log line: `fields.log = 'error'`; auth failures answered 401 carry `status: 401`. */
export function errorToEvent(a: ErrorRecord, host: string | null, source: string, text: string): LogEvent {
  const fields: LogEvent['fields'] = { log: 'error', level: a.level, error: a.kind, pid: a.pid };
  if (a.kind === 'auth_fail') fields.status = 401;
  if (a.connection !== null) fields.connection = a.connection;
  if (a.request !== null) fields.request = a.request;
  if (a.method !== null) fields.method = a.method;
  if (a.path !== null) fields.path = a.path;
  if (a.protocol !== null) fields.protocol = a.protocol;
  if (a.server !== null) fields.server = a.server;
  if (a.host !== null) fields.vhost = a.host;
  return {
    time: a.time,
    kind: 'http',
    outcome: a.kind === 'auth_fail' ? '401' : 'error',
    src_ip: a.clientIp,
    src_port: null,
    dst_ip: null,
    dst_port: null,
    user: a.user,
    message: text,
    source,
    host,
    fields,
  };
}
