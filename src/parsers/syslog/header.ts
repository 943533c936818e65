// Syslog headers: RFC 5424, RFC 3164 (`Mmm dd hh:mm:ss host tag[pid]: msg`, no year, no zone,
// space-padded day), log files with RFC 3339 timestamps (rsyslog's high-precision template,
// journalctl -o short-iso), journalctl's `short-precise` fractions, an optional `<PRI>` on any
// of them, and timeless `host tag[pid]: msg` lines (journal exports). The tag is read as
// `program[pid]:`; programs like `sshd(pam_unix)` and `sshd-session` keep their full name.

export type SyslogFormat = 'rfc5424' | 'rfc3164' | 'rfc3339' | 'no-time';

export interface SyslogMessage {
  format: SyslogFormat;
  /** Unix epoch seconds; null for `no-time` lines (the caller decides what time to use). */
  time: number | null;
  facility: number | null;
  severity: number | null;
  host: string | null;
  program: string | null;
  pid: number | null;
  /** RFC 5424 MSGID (null when NILVALUE or not 5424). */
  msgid: string | null;
  /** RFC 5424 structured data text, exactly as sent (null when NILVALUE or not 5424). */
  structuredData: string | null;
  message: string;
}

export interface SyslogTimeOptions {
  /**
   * Reference time (Unix epoch ms) for RFC 3164 lines, which carry no year: the year is chosen so
   * that the time is not more than `futureSlackDays` after the reference (a December line read in
   * January belongs to the previous year). Use the receive time for live input, the file's
   * modification time for files.
   */
  referenceMs: number;
  /** Offset from UTC of the sender's local time, for RFC 3164 lines (minutes, e.g. 540 for JST). Default 0. */
  utcOffsetMinutes?: number;
  /** Default 7. */
  futureSlackDays?: number;
}

export type SyslogResult = { ok: true; value: SyslogMessage } | { ok: false; reason: string };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const BSD_TIME = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,9})? +/;
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})? +/;
const TAG = /^([^\s[\]:]+(?:\([^\s)]*\))?)(?:\[(\d{1,10})\])?: ?/;
const HOST = /^[^\s[\]:]+ /;

export function parseSyslog(text: string, options: SyslogTimeOptions): SyslogResult {
  let rest = text;
  let facility: number | null = null;
  let severity: number | null = null;
  if (rest.startsWith('<')) {
    const close = rest.indexOf('>');
    const pri = close > 1 && close <= 4 ? Number(rest.slice(1, close)) : NaN;
    if (!Number.isInteger(pri) || pri > 191 || !/^\d+$/.test(rest.slice(1, close))) {
      return { ok: false, reason: 'bad-pri' };
    }
    facility = pri >> 3;
    severity = pri & 7;
    rest = rest.slice(close + 1);
    if (rest.startsWith('1 ')) return parse5424(rest.slice(2), facility, severity);
  }
  let time: number | null;
  let format: SyslogFormat;
  const bsd = BSD_TIME.exec(rest);
  if (bsd) {
    time = bsdTime(bsd, options);
    if (time === null) return { ok: false, reason: 'bad-time' };
    format = 'rfc3164';
    rest = rest.slice(bsd[0].length);
  } else {
    const iso = ISO_TIME.exec(rest);
    if (iso) {
      time = isoTime(iso);
      if (time === null) return { ok: false, reason: 'bad-time' };
      format = 'rfc3339';
      rest = rest.slice(iso[0].length);
    } else {
      time = null;
      format = 'no-time';
    }
  }
  // The host is absent when the first token already is the tag (`<13>Oct 11 22:14:15 su: ...`).
  let host: string | null = null;
  if (!TAG.test(rest) || /^\S+ \S+[:[]/.test(rest)) {
    const h = HOST.exec(rest);
    if (h) {
      host = h[0].slice(0, -1);
      rest = rest.slice(h[0].length);
    } else if (format === 'no-time') {
      return { ok: false, reason: 'no-syslog-header' };
    }
  }
  const tag = TAG.exec(rest);
  if (!tag) {
    if (format === 'no-time') return { ok: false, reason: 'no-syslog-header' };
    return { ok: true, value: message(format, time, facility, severity, host, null, null, rest) };
  }
  if (format === 'no-time' && host === null) return { ok: false, reason: 'no-syslog-header' };
  const pid = tag[2] === undefined ? null : Number(tag[2]);
  return {
    ok: true,
    value: message(format, time, facility, severity, host, tag[1]!, pid, rest.slice(tag[0].length)),
  };
}

function message(
  format: SyslogFormat,
  time: number | null,
  facility: number | null,
  severity: number | null,
  host: string | null,
  program: string | null,
  pid: number | null,
  msg: string,
): SyslogMessage {
  return {
    format,
    time,
    facility,
    severity,
    host,
    program,
    pid,
    msgid: null,
    structuredData: null,
    message: msg,
  };
}

function parse5424(text: string, facility: number, severity: number): SyslogResult {
  // TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]
  const parts: string[] = [];
  let pos = 0;
  for (let i = 0; i < 5; i++) {
    const sp = text.indexOf(' ', pos);
    if (sp < 0) return { ok: false, reason: 'rfc5424-header' };
    parts.push(text.slice(pos, sp));
    pos = sp + 1;
  }
  const [ts, hostname, app, procid, msgid] = parts as [string, string, string, string, string];
  let time: number | null = null;
  if (ts !== '-') {
    const iso = ISO_TIME.exec(`${ts} `);
    time = iso ? isoTime(iso) : null;
    if (time === null) return { ok: false, reason: 'bad-time' };
  }
  const sdEnd = structuredDataEnd(text, pos);
  if (sdEnd < 0) return { ok: false, reason: 'rfc5424-structured-data' };
  const sd = text.slice(pos, sdEnd);
  let msg = text.slice(sdEnd + 1);
  if (msg.startsWith('\uFEFF')) msg = msg.slice(1);
  const nil = (v: string): string | null => (v === '-' ? null : v);
  const pid = /^\d{1,10}$/.test(procid) ? Number(procid) : null;
  return {
    ok: true,
    value: {
      format: 'rfc5424',
      time,
      facility,
      severity,
      host: nil(hostname),
      program: nil(app),
      pid,
      msgid: nil(msgid),
      structuredData: nil(sd),
      message: msg,
    },
  };
}

/** Index just past the structured data that starts at `pos` (NILVALUE or `[..][..]`), or -1. */
function structuredDataEnd(text: string, pos: number): number {
  if (text[pos] === '-') return pos + 1;
  let i = pos;
  if (text[i] !== '[') return -1;
  while (text[i] === '[') {
    let inQuote = false;
    i++;
    for (; i < text.length; i++) {
      const c = text[i];
      if (inQuote) {
        if (c === '\\') i++;
        else if (c === '"') inQuote = false;
      } else if (c === '"') inQuote = true;
      else if (c === ']') break;
    }
    if (i >= text.length) return -1;
    i++;
  }
  return i;
}

function bsdTime(m: RegExpExecArray, options: SyslogTimeOptions): number | null {
  const month = MONTHS.indexOf(m[1]!);
  const day = Number(m[2]);
  const [h, min, s] = [Number(m[3]), Number(m[4]), Number(m[5])];
  if (month < 0 || day < 1 || day > 31 || h > 23 || min > 59 || s > 60) return null;
  const offsetMs = (options.utcOffsetMinutes ?? 0) * 60_000;
  const slackMs = (options.futureSlackDays ?? 7) * 86_400_000;
  const refYear = new Date(options.referenceMs + offsetMs).getUTCFullYear();
  for (const year of [refYear, refYear - 1, refYear - 2, refYear - 3, refYear - 4]) {
    const ms = Date.UTC(year, month, day, h, min, s);
    if (new Date(ms).getUTCDate() !== day) continue; // Feb 29 outside a leap year
    const utc = ms - offsetMs;
    if (utc <= options.referenceMs + slackMs) return utc / 1000 + fraction(m[6]);
  }
  return null;
}

function isoTime(m: RegExpExecArray): number | null {
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  let ms = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(ms).getUTCDate() !== d) return null;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms / 1000 + fraction(m[7]);
}

function fraction(text: string | undefined): number {
  return text === undefined ? 0 : Number(`0${text}`);
}
