// Syslog over UDP (RFC 3164 / 5424) for `serve`. The receive path only timestamps and queues the
// datagram (bounded; a full queue drops and counts); a decode turn runs the queue through the
// SyslogRouter (kernel/filterlog LOG lines -> flow rows, sshd and web lines -> events, configured
// Sakura routers -> the router parser) and hands the output on.

import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import { EXIT_USAGE, UserError, errorMessage } from '../core/errors.ts';
import type { EventOutput } from '../core/events.ts';
import type { ParseOutput } from '../core/records.ts';
import { SyslogRouter } from '../parsers/syslog/router.ts';

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
  })
  .strict();
export type SyslogUdpConfig = z.infer<typeof syslogUdpConfigSchema>;

export interface SyslogUdpCounters {
  receivedPackets: number;
  droppedPackets: number;
}

export interface SyslogUdpSource {
  start(): Promise<{ address: string; port: number }[]>;
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

  return {
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
      return router.drain();
    },
    async stop() {
      await Promise.all(
        sockets.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
      );
    },
    counters: () => ({ ...counters }),
  };
}
