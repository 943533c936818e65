// Syslog over TCP (RFC 6587) for `serve`, beside the UDP receiver: per connection, octet-counted
// or newline-terminated frames (SyslogTcpFramer, bounded frame length), queued with their receive
// time; a decode turn runs the queue through the SyslogRouter as the UDP receiver does. Unlike
// UDP nothing is dropped: when the queue is full every connection is paused (TCP back-pressure)
// until the next decode turn empties it. Connections beyond `maxConnections` are refused.

import { createServer, type Server, type Socket } from 'node:net';
import type { Clock } from '../core/clock.ts';
import { EXIT_USAGE, UserError, errorMessage } from '../core/errors.ts';
import type { EventOutput } from '../core/events.ts';
import type { ParseOutput, Rejection } from '../core/records.ts';
import { SyslogRouter } from '../parsers/syslog/router.ts';
import { SyslogTcpFramer } from '../parsers/syslog/tcp-framing.ts';

export interface SyslogTcpOptions {
  listen: readonly { host: string; port: number }[];
  /** Frames waiting for the decode stage; beyond it the connections are paused. */
  queueFrames: number;
  maxConnections: number;
  maxFrameBytes: number;
  utcOffsetMinutes: number;
  sakuraRouters: readonly string[];
}

export interface SyslogTcpCounters {
  connections: number;
  openConnections: number;
  refusedConnections: number;
  frames: number;
  /** Times the queue filled and reading was paused. */
  pauses: number;
}

export interface SyslogTcpSource {
  start(): Promise<{ address: string; port: number }[]>;
  /** Decodes what is queued and returns it (flows and events since the last call). */
  decode(): { flows: ParseOutput; events: EventOutput };
  stop(): Promise<void>;
  counters(): SyslogTcpCounters;
}

interface Queued {
  text: string;
  at: number;
  peer: string;
  port: number;
  ordinal: number;
}

export function createSyslogTcpSource(options: SyslogTcpOptions, clock: Clock): SyslogTcpSource {
  const router = new SyslogRouter({
    utcOffsetMinutes: options.utcOffsetMinutes,
    sakuraRouters: options.sakuraRouters,
  });
  const queue: Queued[] = [];
  const framingRejections: Rejection[] = [];
  const counters: SyslogTcpCounters = {
    connections: 0,
    openConnections: 0,
    refusedConnections: 0,
    frames: 0,
    pauses: 0,
  };
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  let paused = false;

  function pauseAll(): void {
    if (paused) return;
    paused = true;
    counters.pauses++;
    for (const s of sockets) s.pause();
  }

  function resumeAll(): void {
    if (!paused) return;
    paused = false;
    for (const s of sockets) s.resume();
  }

  function onConnection(socket: Socket, port: number): void {
    if (sockets.size >= options.maxConnections) {
      counters.refusedConnections++;
      socket.destroy();
      return;
    }
    counters.connections++;
    sockets.add(socket);
    const peer = (socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
    const name = `syslog-tcp:${port}:${peer}:${socket.remotePort ?? 0}`;
    const framer = new SyslogTcpFramer(name, options.maxFrameBytes);
    const take = (frames: { text: string; ordinal: number }[]): void => {
      const at = clock.now();
      for (const f of frames) queue.push({ text: f.text, at, peer, port, ordinal: f.ordinal });
      counters.frames += frames.length;
      if (queue.length >= options.queueFrames) pauseAll();
    };
    if (paused) socket.pause();
    socket.on('data', (chunk: Buffer) => take(framer.push(chunk, framingRejections)));
    socket.on('end', () => take(framer.end(framingRejections)));
    socket.on('error', () => undefined); // a reset peer; 'close' follows
    socket.on('close', () => sockets.delete(socket));
  }

  return {
    async start() {
      const bound: { address: string; port: number }[] = [];
      for (const l of options.listen) {
        const server = createServer((socket) => onConnection(socket, l.port));
        try {
          await new Promise<void>((resolve, reject) => {
            server.once('error', reject);
            server.listen(l.port, l.host, () => {
              server.off('error', reject);
              resolve();
            });
          });
        } catch (e) {
          server.close();
          throw new UserError(`syslog: cannot listen on ${l.host}:${l.port}/tcp: ${errorMessage(e)}`, {
            hint: 'another program uses the port, or ports below 1024 need privileges; set inputs.syslog.tcpListen',
            exitCode: EXIT_USAGE,
            cause: e,
          });
        }
        servers.push(server);
        const a = server.address();
        if (a !== null && typeof a === 'object') bound.push({ address: a.address, port: a.port });
      }
      return bound;
    },
    decode() {
      for (const m of queue.splice(0)) {
        router.message(m.text, m.at, { file: `syslog-tcp:${m.port}`, line: m.ordinal, peer: m.peer });
      }
      resumeAll();
      const out = router.drain();
      out.flows.rejections.push(...framingRejections.splice(0));
      return out;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await Promise.all(
        servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
      );
    },
    counters: () => ({ ...counters, openConnections: sockets.size }),
  };
}
