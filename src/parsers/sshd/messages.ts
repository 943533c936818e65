// sshd's authentication messages (OpenSSH auth.c, sshd.c, packet.c and PAM) turned into auth
// events. User names are chosen by the attacker (up to 100 characters, spaces allowed, may
// contain " from "), so every pattern anchors on the address and port at the end of the line
// and takes the user as everything in between.

import { parseIp } from '../../core/ip.ts';

export type AuthOutcome = 'success' | 'failure' | 'invalid_user' | 'disconnect' | 'negotiation_failed';

export interface SshdMatch {
  outcome: AuthOutcome;
  user: string | null;
  /** Canonical IP text, or null when the line names a host name (kept in `rhost`). */
  srcIp: string | null;
  srcPort: number | null;
  rhost: string | null;
  method: string | null;
  invalidUser: boolean;
  preauth: boolean;
  /** Why, for lines whose outcome alone is not enough (max-auth-attempts, not-allowed...). */
  reason: string | null;
}

/** Program names that carry sshd messages. */
export function isSshdProgram(program: string | null): boolean {
  return (
    program === 'sshd' ||
    program === 'sshd-session' ||
    program === 'sshd-auth' ||
    program === 'sshd(pam_unix)'
  );
}

const ADDR = String.raw`(\S+?)`;
const PORT_OPT = String.raw`(?: port (\d{1,5}))?`;
const PATTERNS: [RegExp, (m: RegExpExecArray) => Partial<SshdMatch> & { outcome: AuthOutcome }][] = [
  // The user is everything between "for" and the last " from <ip> port <n> ssh2" that ends the
  // line or is followed only by the forms sshd appends itself (key type and fingerprint, ssh1's
  // ruser); a user name holding a fake " from ... port ... ssh2" is thereby kept whole.
  [
    new RegExp(
      String.raw`^(Accepted|Failed) (\S+) for (.*) from ${ADDR} port (\d{1,5}) ssh\d(?:: (?:ruser .*|[A-Z][A-Z0-9-]* (?:SHA256:|MD5:|[0-9a-f]{2}:)\S*.*))?$`,
    ),
    (m) => ({
      outcome: m[1] === 'Accepted' ? 'success' : 'failure',
      method: m[2]!,
      ...userOf(m[3]!),
      ...addr(m[4]!, m[5]),
    }),
  ],
  // Older or reduced forms: no port, or no protocol tag.
  [
    new RegExp(String.raw`^(Accepted|Failed) (\S+) for (.*) from ${ADDR}${PORT_OPT}(?: ssh\d?)?$`),
    (m) => ({
      outcome: m[1] === 'Accepted' ? 'success' : 'failure',
      method: m[2]!,
      ...userOf(m[3]!),
      ...addr(m[4]!, m[5]),
    }),
  ],
  [
    new RegExp(String.raw`^[Ii]nvalid user (.*) from ${ADDR}${PORT_OPT}$`),
    (m) => ({ outcome: 'invalid_user', user: m[1]!, invalidUser: true, ...addr(m[2]!, m[3]) }),
  ],
  [
    new RegExp(
      String.raw`^error: maximum authentication attempts exceeded for (.*) from ${ADDR}${PORT_OPT}(?: ssh\d?)?$`,
    ),
    (m) => ({ outcome: 'failure', reason: 'max-auth-attempts', ...userOf(m[1]!), ...addr(m[2]!, m[3]) }),
  ],
  [
    new RegExp(
      String.raw`^(?:Connection closed|Connection reset|Disconnected|Disconnecting) (?:by |from )?(authenticating user|invalid user|user) (.*) ${ADDR} port (\d{1,5})(?:: .*)?$`,
    ),
    (m) => ({
      outcome: 'disconnect',
      user: m[2]!,
      invalidUser: m[1] === 'invalid user',
      reason: m[1] === 'user' ? 'session-end' : 'preauth-close',
      ...addr(m[3]!, m[4]),
    }),
  ],
  [
    new RegExp(
      String.raw`^(?:Connection closed|Disconnected|Connection reset) (?:by|from) ${ADDR}${PORT_OPT}$`,
    ),
    (m) => ({ outcome: 'disconnect', ...addr(m[1]!, m[2]) }),
  ],
  [
    // `port N:` since OpenSSH 7; older versions write `from <ip>: 11: Bye Bye`.
    new RegExp(String.raw`^(?:error: )?Received disconnect from ${ADDR}(?: port (\d{1,5}))?: ?\d+:.*$`),
    (m) => ({ outcome: 'disconnect', ...addr(m[1]!, m[2]) }),
  ],
  [
    new RegExp(String.raw`^(?:fatal: )?Unable to negotiate with ${ADDR} port (\d{1,5}): (.*)$`),
    (m) => ({ outcome: 'negotiation_failed', reason: m[3]!.slice(0, 200), ...addr(m[1]!, m[2]) }),
  ],
  [
    new RegExp(
      String.raw`^(?:error: )?(?:kex_exchange_identification|banner exchange): Connection from ${ADDR} port (\d{1,5}): (.*)$`,
    ),
    (m) => ({ outcome: 'negotiation_failed', reason: m[3]!.slice(0, 200), ...addr(m[1]!, m[2]) }),
  ],
  [
    new RegExp(String.raw`^ssh_dispatch_run_fatal: Connection from ${ADDR} port (\d{1,5}): (.*)$`),
    (m) => ({ outcome: 'negotiation_failed', reason: m[3]!.slice(0, 200), ...addr(m[1]!, m[2]) }),
  ],
  [
    new RegExp(String.raw`^(?:fatal: )?Timeout before authentication for ${ADDR} port (\d{1,5})$`),
    (m) => ({ outcome: 'disconnect', reason: 'login-timeout', ...addr(m[1]!, m[2]) }),
  ],
  [
    new RegExp(String.raw`^Bad protocol version identification .* from ${ADDR}${PORT_OPT}$`),
    (m) => ({ outcome: 'negotiation_failed', reason: 'bad-protocol-version', ...addr(m[1]!, m[2]) }),
  ],
  [
    new RegExp(String.raw`^Did not receive identification string from ${ADDR}${PORT_OPT}$`),
    (m) => ({ outcome: 'negotiation_failed', reason: 'no-identification', ...addr(m[1]!, m[2]) }),
  ],
  [
    new RegExp(String.raw`^User (.*) from ${ADDR} not allowed because .*$`),
    (m) => ({ outcome: 'failure', reason: 'not-allowed', user: m[1]!, ...addr(m[2]!, undefined) }),
  ],
  [
    new RegExp(String.raw`^ROOT LOGIN REFUSED FROM ${ADDR}${PORT_OPT}$`),
    (m) => ({ outcome: 'failure', reason: 'root-refused', user: 'root', ...addr(m[1]!, m[2]) }),
  ],
  [
    new RegExp(
      String.raw`^error: PAM: [Aa]uthentication (?:failure|error) for (?:illegal user )?(.*) from ${ADDR}(?: via \S+)?$`,
    ),
    (m) => ({ outcome: 'failure', method: 'pam', ...userOf(m[1]!), ...addr(m[2]!, undefined) }),
  ],
];

// Old `sshd(pam_unix)` lines (no "Failed password" line accompanies them).
const PAM_FAILURE = /^authentication failure;.* rhost=(\S+)(?:\s+user=(\S+))?\s*$/;
const REPEATED = /^message repeated (\d{1,6}) times: \[ ?(.*?) ?\]$/;
const PREAUTH = ' [preauth]';

/**
 * The auth events in one sshd message: none for lines that are not about authentication, several
 * for `message repeated N times: [ ... ]` (capped at `maxRepeat`).
 */
export function parseSshdMessage(program: string | null, message: string, maxRepeat = 10_000): SshdMatch[] {
  const rep = REPEATED.exec(message);
  if (rep) {
    const one = matchOne(program, rep[2]!);
    if (one === null) return [];
    return new Array<SshdMatch>(Math.min(Number(rep[1]), maxRepeat)).fill(one);
  }
  const one = matchOne(program, message);
  return one === null ? [] : [one];
}

function matchOne(program: string | null, text: string): SshdMatch | null {
  // Solaris prefixes its message id: `[ID 800047 auth.info] Failed ...`.
  let msg = text.trimEnd().replace(/^\[ID \d+ [\w.]+\] /, '');
  const preauth = msg.endsWith(PREAUTH);
  if (preauth) msg = msg.slice(0, -PREAUTH.length);
  if (program === 'sshd(pam_unix)') {
    const m = PAM_FAILURE.exec(msg);
    if (!m) return null;
    return finish(
      { outcome: 'failure', method: 'pam', user: m[2] ?? null, ...addr(m[1]!, undefined) },
      preauth,
    );
  }
  for (const [re, build] of PATTERNS) {
    const m = re.exec(msg);
    if (m) return finish(build(m), preauth);
  }
  return null;
}

function finish(p: Partial<SshdMatch> & { outcome: AuthOutcome }, preauth: boolean): SshdMatch {
  return {
    outcome: p.outcome,
    user: p.user ?? null,
    srcIp: p.srcIp ?? null,
    srcPort: p.srcPort ?? null,
    rhost: p.rhost ?? null,
    method: p.method ?? null,
    invalidUser: p.invalidUser ?? false,
    preauth,
    reason: p.reason ?? null,
  };
}

function userOf(text: string): { user: string; invalidUser: boolean } {
  return text.startsWith('invalid user ')
    ? { user: text.slice('invalid user '.length), invalidUser: true }
    : { user: text, invalidUser: false };
}

function addr(host: string, port: string | undefined): Pick<SshdMatch, 'srcIp' | 'srcPort' | 'rhost'> {
  const ip = parseIp(host);
  const srcPort = port === undefined ? null : Number(port);
  if (ip === null) return { srcIp: null, srcPort, rhost: host };
  // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d; the actor is the IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host);
  if (mapped) return { srcIp: mapped[1]!, srcPort, rhost: host };
  return { srcIp: ip.v6 ?? host, srcPort, rhost: host };
}
