// Syslog to a SIEM: an RFC 5424 line whose message is an ArcSight CEF event, over UDP (one
// datagram per event) or TCP (a kept connection, LF or RFC 6587 octet-counting framing).
// CEF escaping: in the header `\` and `|`; in extension values `\`, `=` and line breaks.

import dgram from 'node:dgram';
import net from 'node:net';
import os from 'node:os';
import { z } from 'zod';
import { headline, type AlertMessage, type FindingSummary } from '../alerts/message.ts';
import type { Clock } from '../core/clock.ts';
import { errorMessage } from '../core/errors.ts';
import { DEFAULT_TIMEOUT_MS, SinkError, type Sink } from './sink.ts';

export const syslogCefOptions = z.object({
  kind: z.literal('syslog-cef'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(514),
  protocol: z.enum(['udp', 'tcp']).default('udp'),
  /** TCP only: newline-terminated lines, or RFC 6587 octet counting ("LEN SP MSG"). */
  framing: z.enum(['lf', 'octet-counting']).default('lf'),
  /** Syslog facility number (16 = local0). */
  facility: z.number().int().min(0).max(23).default(16),
  /** HOSTNAME in the syslog header; default the machine's name. */
  hostname: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().default(DEFAULT_TIMEOUT_MS),
});
export type SyslogCefOptions = z.infer<typeof syslogCefOptions>;

export const CEF_VENDOR = 'Sakura';
export const CEF_PRODUCT = 'Sakura Guard';
export const CEF_VERSION = '0.1.0';

export function cefHeaderEscape(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ');
}

export function cefValueEscape(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/=/g, '\\=')
    .replace(/\r\n|\n/g, '\\n')
    .replace(/\r/g, '\\r');
}

function cefLine(
  signatureId: string,
  name: string,
  severity: number,
  ext: [string, string | number][],
): string {
  const head = ['CEF:0', CEF_VENDOR, CEF_PRODUCT, CEF_VERSION, signatureId, name, String(severity)]
    .map((p, i) => (i === 0 ? p : cefHeaderEscape(p)))
    .join('|');
  return `${head}|${ext.map(([k, v]) => `${k}=${cefValueEscape(String(v))}`).join(' ')}`;
}

const ipKey = (ip: string, side: 'src' | 'dst'): string =>
  ip.includes(':') ? (side === 'src' ? 'c6a2' : 'c6a3') : side;

function findingExtensions(f: FindingSummary): [string, string | number][] {
  // src is whoever acted: the remote actor, or our resource when it is the actor.
  const [src, dst] = f.role === 'target' ? [f.actor.ip, f.resource.ip] : [f.resource.ip, f.actor.ip];
  const ext: [string, string | number][] = [
    ['rt', Date.parse(f.lastSeen)],
    ['start', Date.parse(f.firstSeen)],
    ['end', Date.parse(f.lastSeen)],
    ['cat', f.type],
    [ipKey(src, 'src'), src],
    [ipKey(dst, 'dst'), dst],
  ];
  if (f.actor.port !== null) ext.push([f.role === 'target' ? 'spt' : 'dpt', f.actor.port]);
  ext.push(['cnt', f.count], ['msg', f.description], ['cs1Label', 'findingId'], ['cs1', f.id]);
  if (f.resource.name !== null) ext.push(['dhost', f.resource.name]);
  if (f.link !== null) ext.push(['cs2Label', 'link'], ['cs2', f.link]);
  return ext;
}

export function renderCef(m: AlertMessage): string {
  switch (m.kind) {
    case 'finding': {
      const f = m.finding;
      const ext = findingExtensions(f);
      ext.push(['cs3Label', 'reason'], ['cs3', m.reason]);
      return cefLine(f.type, f.title, Math.round(f.severity), ext);
    }
    case 'digest': {
      const max = Math.max(0, ...m.byType.map((t) => t.maxSeverity));
      return cefLine('digest', headline(m), Math.round(max), [
        ['rt', m.to],
        ['start', m.from],
        ['end', m.to],
        ['cnt', m.total],
        ['msg', m.byType.map((t) => `${t.type}: ${t.count}`).join('\n')],
      ]);
    }
    default: {
      const never: never = m;
      return never;
    }
  }
}

/** Syslog severity from the finding's band: critical 2, high 3, medium 4, low 5. */
function syslogSeverity(m: AlertMessage): number {
  const sev = m.kind === 'finding' ? m.finding.severity : Math.max(0, ...m.byType.map((t) => t.maxSeverity));
  return sev >= 9 ? 2 : sev >= 7 ? 3 : sev >= 4 ? 4 : 5;
}

export function renderSyslogLine(m: AlertMessage, o: SyslogCefOptions, nowMs: number): string {
  const pri = o.facility * 8 + syslogSeverity(m);
  const host = (o.hostname ?? os.hostname()).replace(/\s/g, '') || '-';
  return `<${pri}>1 ${new Date(nowMs).toISOString()} ${host} sakura-guard - - - ${renderCef(m)}`;
}

export function createSyslogCefSink(o: SyslogCefOptions, clock: Clock): Sink {
  let udp: dgram.Socket | null = null;
  let tcp: net.Socket | null = null;

  const sendUdp = (line: string): Promise<void> =>
    new Promise((resolve, reject) => {
      udp ??= dgram.createSocket(o.host.includes(':') ? 'udp6' : 'udp4');
      udp.send(Buffer.from(line), o.port, o.host, (e) => (e ? reject(e) : resolve()));
    });

  const connectTcp = (): Promise<net.Socket> =>
    new Promise((resolve, reject) => {
      const s = net.createConnection({ host: o.host, port: o.port, timeout: o.timeoutMs });
      const fail = (e: Error): void => {
        s.destroy();
        reject(e);
      };
      s.once('error', fail);
      s.once('timeout', () => fail(new Error('connect timed out')));
      s.once('connect', () => {
        s.off('error', fail);
        s.setTimeout(0);
        // A later error (peer gone) only drops the socket; the next send reconnects.
        s.on('error', () => s.destroy());
        s.on('close', () => {
          if (tcp === s) tcp = null;
        });
        resolve(s);
      });
    });

  const sendTcp = async (line: string): Promise<void> => {
    if (tcp === null || tcp.destroyed) tcp = await connectTcp();
    const socket = tcp;
    const bytes = Buffer.from(line);
    const frame =
      o.framing === 'lf'
        ? Buffer.concat([bytes, Buffer.from('\n')])
        : Buffer.concat([Buffer.from(`${bytes.length} `), bytes]);
    await new Promise<void>((resolve, reject) => socket.write(frame, (e) => (e ? reject(e) : resolve())));
  };

  return {
    kind: 'syslog-cef',
    async send(m) {
      const line = renderSyslogLine(m, o, clock.now());
      try {
        await (o.protocol === 'udp' ? sendUdp(line) : sendTcp(line));
      } catch (e) {
        tcp?.destroy();
        tcp = null;
        throw new SinkError(`syslog ${o.protocol}://${o.host}:${o.port}: ${errorMessage(e)}`, {
          retryable: true,
          cause: e,
        });
      }
    },
    async close() {
      udp?.close();
      udp = null;
      if (tcp !== null) {
        const s = tcp;
        tcp = null;
        await new Promise<void>((resolve) => s.end(resolve));
      }
    },
  };
}
