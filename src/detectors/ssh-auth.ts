// SSH brute force from auth logs (sshd events), joined with the flow evidence of the same actor:
// failed logins (wrong password, invalid user, refused key exchange) from one source against one
// host in a window, plus the SSH sessions the flows show from that source. The signal has the
// flow-based detector's type and identity (bruteforce.ts: resource, actor, `port:22` or
// `target:IP:22`), so the findings stage merges both into one finding. A successful login from a
// source after a brute force is high severity.

import { z } from 'zod';
import { parseIp } from '../core/ip.ts';
import type { LogEvent } from '../core/records.ts';
import type { Detector, DetectorContext } from '../engine/detector.ts';
import { createTumblingWindows } from '../engine/windows.ts';

export const sshAuthConfigSchema = z.object({
  /** Same default as bruteforce.ts, so both detectors' windows line up and their signals merge. */
  windowSeconds: z.number().int().min(10).default(600),
  /** Failed attempts from one source to one host in a window (CrowdSec ssh-bf: 5, Wazuh: 8). */
  minFailures: z.number().int().min(1).default(5),
  /**
   * Slow brute force: this many failures from one source to one host spread over more than one
   * window but within `slowSeconds`, in a sliding span across windows (CrowdSec
   * ssh-time-based-bf: 4 in an hour). Faster attempts are the `minFailures` rule's.
   */
  slowFailures: z.number().int().min(2).default(4),
  slowSeconds: z.number().int().min(60).default(3600),
  /** SSH port the flow evidence is read from (and the finding's port). */
  port: z.number().int().min(1).max(65535).default(22),
  /** Severity when an outside source targets our host (the flow detector's default). */
  severityTarget: z.number().min(1).max(10).default(2),
  /** Severity when our own host is the one trying passwords. */
  severityActor: z.number().min(1).max(10).default(8),
  /** Severity when a login from the source succeeds after its failures reached the threshold. */
  severitySuccess: z.number().min(1).max(10).default(8),
  /** A success up to this long after a brute force window still counts as "after a brute force". */
  successWithinSeconds: z.number().int().min(0).default(3600),
  /** Host name (as the auth log names it) -> address, for logs from hosts the flows never show. */
  hostAddresses: z.record(z.string(), z.string()).default({}),
  maxKeys: z.number().int().min(100).default(100_000),
});

const MAX_SAMPLE = 20;
const MAX_USERS = 20;

interface Attempts {
  actor: string;
  host: string;
  /**
   * sshd's own failure lines, `Invalid user` lines, PAM's lines and refused key exchanges, counted
   * apart because one attempt often logs several of them; the attempts are the largest count.
   */
  failures: number;
  invalid: number;
  pamFailures: number;
  negotiation: number;
  /** Pre-authentication closes by a valid user (the client gave up after failing). */
  closes: number;
  /** The slow rule fired in this window. */
  slow: boolean;
  users: Set<string>;
  success: { user: string | null; time: number } | null;
  first: number;
  last: number;
  samples: string[];
}

interface WindowState {
  attempts: Map<string, Attempts>;
  /** actor -> (our address -> SSH flow records) seen in the flows. */
  flows: Map<string, Map<string, number>>;
  flowRecords: number;
}

const FAILURES = new Set(['failure', 'invalid_user', 'negotiation_failed']);

function sampleOf(e: LogEvent): string {
  const t = new Date(e.time * 1000).toISOString().replace('.000Z', 'Z');
  return `${t} ${e.host ?? '-'} sshd ${e.outcome}${e.user === null ? '' : ` user=${e.user}`} from ${e.src_ip ?? '-'}`;
}

function eventsQuery(actor: string, host: string, from: number, to: number): string {
  const q = (s: string): string => `'${s.replace(/'/g, "''")}'`;
  return (
    `SELECT * FROM events WHERE kind = 'auth' AND src_ip = ${q(actor)} AND host = ${q(host)}` +
    ` AND time >= to_timestamp(${from}) AND time < to_timestamp(${to}) ORDER BY time`
  );
}

export const sshAuth: Detector<typeof sshAuthConfigSchema> = {
  id: 'ssh-auth',
  types: ['UnauthorizedAccess:Host/SSHBruteForce'],
  description: 'Failed SSH logins from one source in auth logs, joined with its SSH flows',
  configSchema: sshAuthConfigSchema,
  create(config, deps) {
    const early = deps.early === true;
    const windows = createTumblingWindows<WindowState>(config.windowSeconds, () => ({
      attempts: new Map(),
      flows: new Map(),
      flowRecords: 0,
    }));
    /** actor|host -> end of the last window where it brute forced, for a success that comes later. */
    const bruteForced = new Map<string, number>();
    const isOurs = (ip: string): boolean => {
      const a = parseIp(ip);
      return a !== null && deps.scope.isInternal(a.v4, a.v6);
    };

    /** Recent failure times per actor|host, newest last, for the slow rule (across windows). */
    const recentFailures = new Map<string, number[]>();

    function attempts(a: Attempts): number {
      return Math.max(a.failures, a.invalid, a.pamFailures, a.negotiation, a.closes);
    }

    function slowRule(k: string, t: number): boolean {
      let times = recentFailures.get(k);
      if (times === undefined) {
        if (recentFailures.size >= config.maxKeys) recentFailures.clear();
        times = [];
        recentFailures.set(k, times);
      }
      times.push(t);
      if (times.length > config.slowFailures) times.shift();
      const span = t - times[0]!;
      return (
        times.length >= config.slowFailures && span <= config.slowSeconds && span >= config.windowSeconds
      );
    }

    /** Our address for the host: the event's own, the configured one, or the one the flows show. */
    function hostAddress(w: WindowState, a: Attempts, dstIp: string | null): string {
      if (dstIp !== null) return dstIp;
      const configured = config.hostAddresses[a.host];
      if (configured !== undefined) return configured;
      let best: string | null = null;
      let most = 0;
      for (const [dst, n] of w.flows.get(a.actor) ?? []) {
        if (n > most) [best, most] = [dst, n];
      }
      return best ?? a.host;
    }

    function report(ctx: DetectorContext, start: number, end: number, w: WindowState, a: Attempts): void {
      const resourceIp = hostAddress(w, a, null);
      const sessions = w.flows.get(a.actor)?.get(resourceIp) ?? 0;
      const ours = isOurs(a.actor);
      const tried = attempts(a);
      const slowPart =
        a.slow && tried < config.minFailures
          ? `; ${config.slowFailures} failures within ${config.slowSeconds / 60} min (slow brute force)`
          : '';
      const afterBrute = a.success !== null && (tried >= config.minFailures || bruteForced.has(key(a)));
      const port = config.port;
      const severity = afterBrute
        ? config.severitySuccess
        : ours
          ? config.severityActor
          : config.severityTarget;
      const users = [...a.users];
      const flowPart = sessions > 0 ? ` and ${sessions} SSH flow records to ${resourceIp}:${port}` : '';
      const successPart =
        a.success === null
          ? ''
          : afterBrute
            ? `; then a login as ${a.success.user ?? 'an unknown user'} SUCCEEDED at ${new Date(a.success.time * 1000).toISOString()}`
            : '';
      ctx.emit({
        type: 'UnauthorizedAccess:Host/SSHBruteForce',
        severity,
        resource: { ip: ours ? a.actor : resourceIp, id: a.host },
        actor: { ip: a.actor, port: null },
        role: ours ? 'actor' : 'target',
        discriminator: ours ? `target:${resourceIp}:${port}` : `port:${port}`,
        title: afterBrute
          ? `Successful SSH login from ${a.actor} to ${a.host} after a brute force`
          : `SSH brute force from ${a.actor} against ${a.host}`,
        description:
          `${a.actor} failed ${tried} SSH logins on ${a.host} within ${config.windowSeconds / 60} min ` +
          `(threshold ${config.minFailures}; users: ${users.slice(0, 5).join(', ') || '-'})${slowPart}${flowPart}${successPart}.`,
        threshold: config.minFailures,
        observed: Math.max(tried, sessions),
        windowStart: start,
        windowEnd: end,
        sample: a.samples,
        query: eventsQuery(a.actor, a.host, start, end),
        firstSeen: a.first,
        lastSeen: a.last,
        detail: {
          port,
          target: resourceIp,
          host: a.host,
          failedLogins: tried,
          users,
          flowRecords: sessions,
          loginSucceeded: afterBrute,
          ...(a.success?.user ? { successUser: a.success.user } : {}),
        },
        detector: 'ssh-auth',
      });
    }

    const key = (a: { actor: string; host: string }): string => `${a.actor}|${a.host}`;

    return {
      onFlows(view, ctx) {
        const b = view.batch;
        for (let i = 0; i < b.length; i++) {
          if (view.skip[i] || view.reply[i] || b.dstPort[i] !== config.port) continue;
          if (b.proto[i] !== 6 && b.proto[i] !== -1) continue;
          const w = windows.at(b.start[i]!);
          if (w === null) continue;
          const actor = ctx.keyText(view.srcKey[i]!);
          let dsts = w.flows.get(actor);
          if (dsts === undefined) {
            if (w.flows.size >= config.maxKeys) continue;
            dsts = new Map();
            w.flows.set(actor, dsts);
          }
          const dst = ctx.keyText(view.dstKey[i]!);
          if (dsts.size < MAX_USERS || dsts.has(dst)) dsts.set(dst, (dsts.get(dst) ?? 0) + 1);
          w.flowRecords++;
        }
      },
      onEvent(e, ctx) {
        if (e.kind !== 'auth' || e.src_ip === null) return;
        const close =
          e.outcome === 'disconnect' && e.fields.reason === 'preauth-close' && !e.fields.invalid_user;
        const failed = FAILURES.has(e.outcome) || close;
        if (!failed && e.outcome !== 'success') return;
        const w = windows.at(e.time);
        if (w === null) return;
        const host = e.host ?? e.dst_ip ?? 'unknown-host';
        const k = `${e.src_ip}|${host}`;
        let a = w.attempts.get(k);
        if (a === undefined) {
          if (w.attempts.size >= config.maxKeys) return;
          a = {
            actor: e.src_ip,
            host,
            failures: 0,
            invalid: 0,
            pamFailures: 0,
            negotiation: 0,
            closes: 0,
            slow: false,
            users: new Set(),
            success: null,
            first: e.time,
            last: e.time,
            samples: [],
          };
          w.attempts.set(k, a);
        }
        const before = attempts(a);
        if (failed) {
          if (close) a.closes++;
          else if (e.outcome === 'invalid_user') a.invalid++;
          else if (e.outcome === 'negotiation_failed') a.negotiation++;
          else if (e.fields.method === 'pam') a.pamFailures++;
          else a.failures++;
          if (!close && slowRule(k, e.time)) a.slow = true;
          if (e.user !== null && a.users.size < MAX_USERS) a.users.add(e.user);
        } else if (a.success === null) {
          a.success = { user: e.user, time: e.time };
        }
        if (e.time < a.first) a.first = e.time;
        if (e.time > a.last) a.last = e.time;
        if (a.samples.length < MAX_SAMPLE) a.samples.push(sampleOf(e));
        if (!early) return;
        // Live: the finding appears with the attempt that crosses the threshold, and again
        // (high) with a success after it.
        const start = windows.startOf(e.time);
        const crossed = before < config.minFailures && attempts(a) >= config.minFailures;
        const afterBrute = !failed && (attempts(a) >= config.minFailures || bruteForced.has(k));
        if (crossed || afterBrute) report(ctx, start, start + config.windowSeconds, w, a);
      },
      onWatermark(t, ctx) {
        windows.closeUpTo(t, (start, end, w) => {
          for (const a of w.attempts.values()) {
            const k = key(a);
            const since = bruteForced.get(k);
            const recent =
              since !== undefined &&
              a.success !== null &&
              a.success.time - since <= config.successWithinSeconds;
            if (!recent && since !== undefined) bruteForced.delete(k);
            if (attempts(a) >= config.minFailures || a.slow || recent) report(ctx, start, end, w, a);
            if (attempts(a) >= config.minFailures) {
              if (bruteForced.size >= config.maxKeys) bruteForced.clear();
              bruteForced.set(k, end);
            }
          }
        });
      },
      stateSize() {
        let n = bruteForced.size + recentFailures.size;
        for (const [, w] of windows.open()) n += w.attempts.size + w.flows.size;
        return n;
      },
    };
  },
};
