// The auth log input: syslog lines (auth.log, secure, journal exports, or messages routed by the
// syslog receiver) -> auth LogEvents. Lines from other programs (sudo, cron, systemd-logind...)
// and sshd lines that are not about authentication are counted as skipped; lines without a
// syslog header are rejected.

import type { LogEvent } from '../../core/records.ts';
import { parseSyslog, type SyslogMessage, type SyslogTimeOptions } from '../syslog/header.ts';
import { EventLineParser } from '../event-line-parser.ts';
import { rejection } from '../syslog/lines.ts';
import { isSshdProgram, parseSshdMessage } from './messages.ts';

export interface SshdParserOptions extends Partial<SyslogTimeOptions> {
  /**
   * Year reference for RFC 3164 lines (Unix ms): the file's modification time for files, the
   * receive time for live input. Required: parsers never read the wall clock themselves.
   */
  referenceMs: number;
  file?: string;
  maxLineBytes?: number;
  /** Upper bound on events from one `message repeated N times` line. Default 10 000. */
  maxRepeat?: number;
}

export class SshdParser extends EventLineParser {
  private readonly time: SyslogTimeOptions;
  private readonly maxRepeat: number;
  /** Lines that were not sshd authentication messages. */
  skipped = 0;

  constructor(options: SshdParserOptions) {
    super(options.file, options.maxLineBytes);
    this.time = {
      referenceMs: options.referenceMs,
      utcOffsetMinutes: options.utcOffsetMinutes ?? 0,
      futureSlackDays: options.futureSlackDays ?? 7,
    };
    this.maxRepeat = options.maxRepeat ?? 10_000;
  }

  /**
   * For the syslog receiver: one parsed message. `fallbackTime` (Unix seconds) is used when the
   * message has no time of its own (then `fields.time_inferred` is 1).
   */
  message(msg: SyslogMessage, fallbackTime: number): void {
    if (!isSshdProgram(msg.program)) {
      this.skipped++;
      return;
    }
    const matches = parseSshdMessage(msg.program, msg.message, this.maxRepeat);
    if (matches.length === 0) {
      this.skipped++;
      return;
    }
    for (const m of matches) {
      const fields: LogEvent['fields'] = { program: msg.program ?? '' };
      if (msg.pid !== null) fields.pid = msg.pid;
      if (m.method !== null) fields.method = m.method;
      if (m.invalidUser) fields.invalid_user = 1;
      if (m.preauth) fields.preauth = 1;
      if (m.reason !== null) fields.reason = m.reason;
      if (m.srcIp === null && m.rhost !== null) fields.rhost = m.rhost;
      if (msg.time === null) fields.time_inferred = 1;
      this.out.events.push({
        time: msg.time ?? fallbackTime,
        kind: 'auth',
        outcome: m.outcome,
        src_ip: m.srcIp,
        src_port: m.srcPort,
        dst_ip: null,
        dst_port: null,
        user: m.user,
        message: msg.message,
        source: 'sshd',
        host: msg.host,
        fields,
      });
    }
  }

  protected line(text: string, line: number): void {
    if (text.trim() === '') return;
    const h = parseSyslog(text, this.time);
    if (!h.ok) {
      this.out.rejections.push(rejection(this.file, line, h.reason, text));
      return;
    }
    this.message(h.value, this.time.referenceMs / 1000);
  }
}
