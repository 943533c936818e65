// Syslog over UDP (RFC 3164 / 5424) for `serve`. The receive path only timestamps and queues the
// datagram (bounded; a full queue drops and counts); a decode turn runs the queue through the
// SyslogRouter (kernel/filterlog LOG lines -> flow rows, sshd and web lines -> events, configured
// Sakura routers -> the router parser) and hands the output on. With `tcpListen` set, the TCP
// receiver (syslog-tcp.ts) runs beside it and its output joins each decode turn.

import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import { EXIT_USAGE, UserError, errorMessage } from '../core/errors.ts';
import type { EventOutput } from '../core/events.ts';
import type { ParseOutput } from '../core/records.ts';
import { SyslogRouter } from '../parsers/syslog/router.ts';
import { createSyslogTcpSource, type SyslogTcpCounters } from './syslog-tcp.ts';

export const syslogUdpConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Addresses to listen on; port 0 picks a free port. */
    listen: z
      .array(z.object({ host: z.string().min(1), port: z.number().int().min(0).max(65535) }).strict())
      .min(1)
      .default([{ host: '0.0.0.0', port: 514 }]),
    /** Datagrams waiting for the decode stage; more are dropped and counted. */
    queuePackets: z.number().int().positive().default(65_536),
    /** Offset from UTC of RFC 3164 senders' clocks, minutes. */
    utcOffsetMinutes: z.number().int().min(-1440).max(1440).default(0),
    /** Sender addresses that are Sakura VPC/VPN routers (their lines go to the router parser). */
    sakuraRouters: z.array(z.string()).default([]),
    /** Addresses for syslog over TCP (RFC 6587, octet counting or newline framing); empty = off. */
    tcpListen: z
      .array(z.object({ host: z.string().min(1), port: z.number().int().min(0).max(65535) }).strict())
      .default([]),
    /** TCP connections at once; more are refused. */
    tcpMaxConnections: z.number().int().positive().default(256),
    /** Frames waiting for the decode stage; beyond it TCP senders are paused (nothing is dropped). */
    tcpQueueFrames: z.number().int().positive().default(65_536),
    /** Longest TCP frame (message) accepted; longer ones are rejected and skipped. */
    maxFrameBytes: z.number().int().min(480).default(65_536),
  })
  .strict();
export type SyslogUdpConfig = z.infer<typeof syslogUdpConfigSchema>;

export interface SyslogUdpCounters {
  receivedPackets: number;
  droppedPackets: number;
  /** The TCP receiver's, when `tcpListen` is set. */
  tcp?: SyslogTcpCounters;
}

export interface SyslogUdpSource {
  /** Binds the UDP sockets (returned) and the TCP listeners (then in `tcpBound`). */
  start(): Promise<{ address: string; port: number }[]>;
  readonly tcpBound: readonly { address: string; port: number }[];
  /** Decodes what is queued and returns it (flows and events since the last call). */
  decode(): { flows: ParseOutput; events: EventOutput };
  stop(): Promise<void>;
  counters(): SyslogUdpCounters;
}

export function createSyslogUdpSource(config: SyslogUdpConfig, clock: Clock): SyslogUdpSource {
  const router = new SyslogRouter({
    utcOffsetMinutes: config.utcOffsetMinutes,
    sakuraRouters: config.sakuraRouters,
  });
  const queue: { text: string; at: number; peer: string; port: number }[] = [];
  const counters: SyslogUdpCounters = { receivedPackets: 0, droppedPackets: 0 };
  const sockets: Socket[] = [];
  let ordinal = 0;
  const tcp =
    config.tcpListen.length === 0
      ? null
      : createSyslogTcpSource(
          {
            listen: config.tcpListen,
            queueFrames: config.tcpQueueFrames,
            maxConnections: config.tcpMaxConnections,
            maxFrameBytes: config.maxFrameBytes,
            utcOffsetMinutes: config.utcOffsetMinutes,
            sakuraRouters: config.sakuraRouters,
          },
          clock,
        );
  const tcpBound: { address: string; port: number }[] = [];

  return {
    tcpBound,
    async start() {
      const bound: { address: string; port: number }[] = [];
      for (const l of config.listen) {
        const socket = createSocket({ type: isIPv6(l.host) ? 'udp6' : 'udp4', reuseAddr: false });
        socket.on('message', (msg, rinfo) => {
          counters.receivedPackets++;
          if (queue.length >= config.queuePackets) {
            counters.droppedPackets++;
            return;
          }
          queue.push({ text: msg.toString('utf8'), at: clock.now(), peer: rinfo.address, port: l.port });
        });
        try {
          await new Promise<void>((resolve, reject) => {
            socket.once('error', reject);
            socket.bind(l.port, l.host, () => {
              socket.off('error', reject);
              resolve();
            });
          });
        } catch (e) {
          socket.close();
          throw new UserError(`syslog: cannot listen on ${l.host}:${l.port}/udp: ${errorMessage(e)}`, {
            hint: 'another program uses the port, or ports below 1024 need privileges; set inputs.syslog.listen',
            exitCode: EXIT_USAGE,
            cause: e,
          });
        }
        sockets.push(socket);
        const a = socket.address();
        bound.push({ address: a.address, port: a.port });
      }
      if (tcp) tcpBound.push(...(await tcp.start()));
      return bound;
    },
    decode() {
      for (const m of queue.splice(0)) {
        const text = m.text.replace(/\r?\n$/, '');
        router.message(text, m.at, {
          file: `syslog-udp:${m.port}`,
          line: ++ordinal,
          peer: m.peer.replace(/^::ffff:/, ''),
        });
      }
      const out = router.drain();
      if (tcp) {
        const t = tcp.decode();
        for (const b of t.flows.batches) out.flows.batches.push(b);
        out.flows.gaps.push(...t.flows.gaps);
        out.flows.rejections.push(...t.flows.rejections);
        out.events.events.push(...t.events.events);
        out.events.rejections.push(...t.events.rejections);
      }
      return out;
    },
    async stop() {
      await tcp?.stop();
      await Promise.all(
        sockets.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
      );
    },
    counters: () => ({ ...counters, ...(tcp ? { tcp: tcp.counters() } : {}) }),
  };
}
