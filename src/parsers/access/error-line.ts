// One nginx error-log line: `yyyy/mm/dd hh:mm:ss [level] pid#tid: [*conn ]message[, client: ip,
// server: name, request: "...", host: "..."...]`. nginx writes the server's local time without a
// zone: read as UTC. Lines about a client request name the client; auth failures (basic auth
// `user "x" was not found in`, `user "x": password mismatch`, PAM) give the user, and are
// read from the fixed text that follows the user name, which the client chose.

import { parseIp } from '../../core/ip.ts';

export type ErrorKind =
  'auth_fail' | 'not_found' | 'forbidden' | 'limit_req' | 'limit_conn' | 'ssl_handshake' | 'other';

export interface ErrorRecord {
  time: number;
  level: string;
  pid: number;
  /** The connection number after `*`, or null. */
  connection: number | null;
  kind: ErrorKind;
  /** The message without the client context. */
  text: string;
  /** Canonical client IP, or null when the line names no client. */
  clientIp: string | null;
  user: string | null;
  server: string | null;
  request: string | null;
  method: string | null;
  path: string | null;
  protocol: string | null;
  host: string | null;
}

export type ErrorLineResult = { ok: true; value: ErrorRecord } | { ok: false; reason: string };

// The systemd journal's `host nginx[pid]: ` prefix (written once or twice) is skipped.
const HEAD =
  /^(?:\S+ nginx(?:\[\d+\])?: ){0,2}(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) \[(debug|info|notice|warn|error|crit|alert|emerg)\] (\d+)#\d+: (?:\*(\d+) )?/;

/** True when the line starts like an nginx error-log line (for format sniffing). */
export function looksLikeErrorLine(text: string): boolean {
  return HEAD.test(text);
}

// The user is taken greedily up to the last fixed tail, so a name holding `", client: ...` does
// not move the client (fail2ban's "injection on user name" sample).
const AUTH: RegExp[] = [
  /^user "(.*)":? (?:password mismatch|was not found in "[^"]*"), client: ([0-9A-Fa-f.:]+), server: /s,
  /^PAM: user '(.*)' - not authenticated: .*?, client: ([0-9A-Fa-f.:]+), server: /s,
];

const KINDS: [ErrorKind, RegExp][] = [
  ['not_found', /^(?:open\(\) "[^"]*" failed \(2: |"[^"]*" is not found \(2: )/],
  ['forbidden', /^(?:access forbidden by rule|directory index of "[^"]*" is forbidden)/],
  ['limit_req', /^(?:limiting|delaying) requests?\b/],
  ['limit_conn', /^limiting connections\b/],
  ['ssl_handshake', /^SSL_do_handshake\(\) failed\b/],
];

/** Value of `, name: "quoted"` or `, name: bare` in the context after the client. */
function contextValue(ctx: string, name: string): string | null {
  const at = ctx.indexOf(`, ${name}: `);
  if (at < 0) return null;
  const rest = ctx.slice(at + name.length + 4);
  if (rest.startsWith('"')) {
    const end = rest.indexOf('", ', 1);
    return end < 0 ? rest.slice(1).replace(/"$/, '') : rest.slice(1, end);
  }
  const end = rest.indexOf(', ');
  return end < 0 ? rest : rest.slice(0, end);
}

export function parseErrorLine(line: string): ErrorLineResult {
  const m = HEAD.exec(line);
  if (m === null) return { ok: false, reason: 'not-nginx-error' };
  const [, y, mo, d, h, mi, s, level, pid, conn] = m as unknown as string[];
  const time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000;
  if (!Number.isFinite(time) || Number(mo) < 1 || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23)
    return { ok: false, reason: 'bad-time' };
  const body = line.slice(m[0].length);
  let kind: ErrorKind = 'other';
  let user: string | null = null;
  let clientText: string | null = null;
  let ctxAt = -1;
  for (const re of AUTH) {
    const a = re.exec(body);
    if (a === null) continue;
    kind = 'auth_fail';
    user = a[1]!;
    clientText = a[2]!;
    ctxAt = a[0].length - ', server: '.length - clientText.length - ', client: '.length;
    break;
  }
  if (kind !== 'auth_fail') {
    kind = KINDS.find(([, re]) => re.test(body))?.[0] ?? 'other';
    ctxAt = body.indexOf(', client: ');
    if (ctxAt >= 0) {
      const rest = body.slice(ctxAt + ', client: '.length);
      const end = rest.indexOf(', ');
      clientText = end < 0 ? rest : rest.slice(0, end);
    }
  }
  let clientIp: string | null = null;
  if (clientText !== null && !clientText.startsWith('unix:')) {
    const ip = parseIp(clientText);
    if (ip === null) return { ok: false, reason: 'bad-ip:client' };
    clientIp = ip.v6 ?? clientText;
  }
  const ctx = ctxAt >= 0 ? body.slice(ctxAt) : '';
  const request = ctx === '' ? null : contextValue(ctx, 'request');
  const parts = request === null ? null : /^([A-Z][A-Z_-]{0,19}) (\S+)(?: (\S+))?$/.exec(request);
  return {
    ok: true,
    value: {
      time,
      level: level!,
      pid: Number(pid),
      connection: conn === undefined ? null : Number(conn),
      kind,
      text: ctxAt >= 0 ? body.slice(0, ctxAt) : body,
      clientIp,
      user,
      server: ctx === '' ? null : contextValue(ctx, 'server'),
      request,
      method: parts?.[1] ?? null,
      path: parts?.[2] ?? null,
      protocol: parts?.[3] ?? null,
      host: ctx === '' ? null : contextValue(ctx, 'host'),
    },
  };
}
