// One web access log line in the NCSA common/combined format written by nginx and Apache:
// `[vhost[:port]] client ident user [time] "request" status bytes ["referer" "user-agent" ...]`.
// Scanned left to right: quoted fields end at an unescaped quote followed by a space or the end
// (Apache escapes `"` as `\"`, nginx as `\x22`), so a request with spaces or quotes stays whole.

import { parseIp } from '../../core/ip.ts';

export interface AccessRecord {
  vhost: string | null;
  client: string;
  /** Canonical IP text, or null when the client field is a host name. */
  clientIp: string | null;
  user: string | null;
  time: number;
  /** The request line as logged; method/path/protocol are null when it is not `METHOD PATH [PROTO]`. */
  request: string;
  method: string | null;
  path: string | null;
  protocol: string | null;
  status: number;
  bytes: number | null;
  referer: string | null;
  userAgent: string | null;
}

export type AccessResult = { ok: true; value: AccessRecord } | { ok: false; reason: string };

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
}; // prettier-ignore
const CLF_TIME = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.\d+)? ([+-])(\d{2})(\d{2})$/;

export function parseAccessLine(text: string): AccessResult {
  const s = new Scanner(text);
  let first = s.token();
  if (first === null) return { ok: false, reason: 'empty' };
  let vhost: string | null = null;
  // vhost_combined (`%v:%p %h ...`) and nginx `$host $remote_addr ...`: the second token is the client.
  const peek = s.peekToken();
  if (parseIp(first) === null && peek !== null && parseIp(peek) !== null) {
    vhost = first;
    first = s.token()!;
  }
  const client = first;
  const ident = s.token();
  const user = s.token();
  if (ident === null || user === null) return { ok: false, reason: 'truncated' };
  const timeText = s.bracketed();
  if (timeText === null) return { ok: false, reason: 'missing:time' };
  const time = clfTime(timeText);
  if (time === null) return { ok: false, reason: 'bad-time' };
  const request = s.quoted();
  if (request === null) return { ok: false, reason: 'missing:request' };
  const statusText = s.token();
  if (statusText === null || !/^\d{3}$/.test(statusText)) return { ok: false, reason: 'bad-number:status' };
  const bytesText = s.token();
  if (bytesText === null) return { ok: false, reason: 'truncated' };
  if (bytesText !== '-' && !/^\d{1,15}$/.test(bytesText)) return { ok: false, reason: 'bad-number:bytes' };
  const referer = s.quoted();
  const userAgent = referer === null ? null : s.quoted();
  const ip = parseIp(client);
  const req = splitRequest(request);
  return {
    ok: true,
    value: {
      vhost,
      client,
      clientIp: ip === null ? null : (ip.v6 ?? client),
      user: user === '-' ? null : user,
      time,
      request,
      ...req,
      status: Number(statusText),
      bytes: bytesText === '-' ? null : Number(bytesText),
      referer: referer === null || referer === '-' ? null : referer,
      userAgent: userAgent === null || userAgent === '-' ? null : userAgent,
    },
  };
}

function splitRequest(request: string): Pick<AccessRecord, 'method' | 'path' | 'protocol'> {
  const sp = request.indexOf(' ');
  const method = sp > 0 ? request.slice(0, sp) : null;
  if (method === null || !/^[A-Z][A-Z_-]{0,19}$/.test(method))
    return { method: null, path: null, protocol: null };
  const rest = request.slice(sp + 1);
  const last = rest.lastIndexOf(' ');
  if (last > 0 && /^HTTP\/\d(\.\d)?$/.test(rest.slice(last + 1))) {
    return { method, path: rest.slice(0, last), protocol: rest.slice(last + 1) };
  }
  return { method, path: rest, protocol: null };
}

function clfTime(text: string): number | null {
  const m = CLF_TIME.exec(text);
  if (!m) return null;
  const month = MONTHS[m[2]!];
  if (month === undefined) return null;
  const day = Number(m[1]);
  const ms = Date.UTC(Number(m[3]), month, day, Number(m[4]), Number(m[5]), Number(m[6]));
  if (new Date(ms).getUTCDate() !== day || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 60)
    return null;
  const offset = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  return (ms - offset * 60_000) / 1000;
}

class Scanner {
  private readonly text: string;
  private pos = 0;

  constructor(text: string) {
    this.text = text;
  }

  private skipSpaces(): void {
    while (this.text.charCodeAt(this.pos) === 32) this.pos++;
  }

  token(): string | null {
    this.skipSpaces();
    if (this.pos >= this.text.length) return null;
    let end = this.text.indexOf(' ', this.pos);
    if (end < 0) end = this.text.length;
    const t = this.text.slice(this.pos, end);
    this.pos = end;
    return t;
  }

  peekToken(): string | null {
    const save = this.pos;
    const t = this.token();
    this.pos = save;
    return t;
  }

  bracketed(): string | null {
    this.skipSpaces();
    if (this.text[this.pos] !== '[') return null;
    const end = this.text.indexOf(']', this.pos);
    if (end < 0) return null;
    const t = this.text.slice(this.pos + 1, end);
    this.pos = end + 1;
    return t;
  }

  /** A `"..."` field: ends at a quote not escaped by a backslash and followed by a space or the end. */
  quoted(): string | null {
    this.skipSpaces();
    if (this.text[this.pos] !== '"') return null;
    let i = this.pos + 1;
    for (;;) {
      const q = this.text.indexOf('"', i);
      if (q < 0) return null;
      let backslashes = 0;
      for (let j = q - 1; j > this.pos && this.text[j] === '\\'; j--) backslashes++;
      const next = this.text.charCodeAt(q + 1);
      if (backslashes % 2 === 0 && (q + 1 >= this.text.length || next === 32)) {
        const raw = this.text.slice(this.pos + 1, q);
        this.pos = q + 1;
        return raw.includes('\\') ? raw.replace(/\\(["\\])/g, '$1') : raw;
      }
      i = q + 1;
    }
  }
}
