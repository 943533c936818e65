// The NetFlow v5 / v9 / IPFIX collector over UDP (IPv4 and IPv6). The receive path only
// timestamps the datagram and puts it in a bounded queue (a full queue drops and counts); a
// separate decode stage drains the queue through the decoder and hands each ParseOutput on.
// Receive paths that parse fall behind under bursts (STYLE.md §7), and a large socket buffer is
// what absorbs a burst: a collector here lost ~30 % of one with the default buffer.

import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import { EXIT_USAGE, UserError, errorMessage } from '../core/errors.ts';
import type { ParseOutput } from '../core/records.ts';
import {
  createNetflowDecoder,
  netflowDecoderConfigSchema,
  type NetflowDecoderStats,
} from '../parsers/netflow/decoder.ts';

export const netflowUdpConfigSchema = z.object({
  /** Addresses to listen on; `::` listens on IPv6 and IPv4 (dual stack). Port 0 picks a free port. */
  listen: z
    .array(z.object({ host: z.string().min(1), port: z.number().int().min(0).max(65535) }))
    .min(1)
    .default([{ host: '0.0.0.0', port: 2055 }]),
  /** Requested SO_RCVBUF; the kernel may cap it (net.core.rmem_max). The granted size is reported. */
  receiveBufferBytes: z
    .number()
    .int()
    .positive()
    .default(32 * 1024 * 1024),
  /** Datagrams waiting for the decode stage; more are dropped and counted. */
  queuePackets: z.number().int().positive().default(65_536),
  /** Datagrams decoded per turn of the event loop before the receive path gets to run again. */
  decodeBatchPackets: z.number().int().positive().default(256),
  decoder: netflowDecoderConfigSchema.prefault({}),
});
export type NetflowUdpConfig = z.infer<typeof netflowUdpConfigSchema>;
export type NetflowUdpOptions = z.input<typeof netflowUdpConfigSchema>;

export interface NetflowUdpCounters {
  receivedPackets: number;
  receivedBytes: number;
  /** Datagrams dropped because the queue was full. */
  droppedPackets: number;
  queuedPackets: number;
  decodedPackets: number;
  decodedFlows: number;
  /** Rejections (malformed packets or parts of packets) reported by the decoder. */
  rejected: number;
  sequenceGaps: number;
  /** onOutput threw or rejected; that output (one decode turn) was lost and the stage went on. */
  outputErrors: number;
  /**
   * Datagrams the kernel dropped because the socket buffer was full (Linux /proc/net/udp*
   * `drops` for the bound ports), or null where that is not readable.
   */
  kernelDrops: number | null;
}

export interface BoundSocket {
  address: string;
  port: number;
  family: 'IPv4' | 'IPv6';
  /** SO_RCVBUF as granted by the kernel. */
  receiveBufferBytes: number;
}

export interface NetflowUdpDeps {
  clock: Clock;
  /**
   * Receives the flows, gaps and rejections of each decode turn (up to `decodeBatchPackets`
   * datagrams); a returned promise is awaited before the next turn.
   */
  onOutput: (output: ParseOutput) => void | Promise<void>;
  onError?: (message: string) => void;
}

export interface NetflowUdpSource {
  start(): Promise<BoundSocket[]>;
  /** Closes the sockets, then decodes what is still queued. */
  stop(): Promise<void>;
  /** Resolves when the queue is empty and the decode stage idle. */
  drain(): Promise<void>;
  counters(): NetflowUdpCounters;
  decoderStats(): NetflowDecoderStats;
}

/** Sum of the kernel's per-socket `drops` for UDP sockets bound to `ports` (Linux only). */
function readKernelDrops(ports: readonly number[]): number | null {
  if (ports.length === 0) return null;
  const wanted = new Set(ports.map((p) => p.toString(16).toUpperCase().padStart(4, '0')));
  let total = 0;
  let readable = false;
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    readable = true;
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      const drops = Number(cols[cols.length - 1]);
      if (local === undefined || cols.length < 13 || !Number.isFinite(drops)) continue;
      if (wanted.has(local.slice(local.lastIndexOf(':') + 1))) total += drops;
    }
  }
  return readable ? total : null;
}

/** `::ffff:192.0.2.1` (IPv4 on a dual-stack socket) is the exporter 192.0.2.1. */
function exporterAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export function createNetflowUdpSource(options: NetflowUdpOptions, deps: NetflowUdpDeps): NetflowUdpSource {
  const parsed = netflowUdpConfigSchema.safeParse(options);
  if (!parsed.success) {
    throw new UserError(`invalid netflow listener configuration: ${z.prettifyError(parsed.error)}`, {
      hint: 'check the `netflow` section: listen [{host, port}], receiveBufferBytes, queuePackets',
      exitCode: EXIT_USAGE,
    });
  }
  const config = parsed.data;
  const decoder = createNetflowDecoder(config.decoder);

  // The queue: a ring of datagrams with their source and arrival time.
  const cap = config.queuePackets;
  const qData = new Array<Buffer | null>(cap).fill(null);
  const qAddress = new Array<string>(cap).fill('');
  const qPort = new Uint16Array(cap);
  const qTime = new Float64Array(cap);
  let head = 0;
  let size = 0;

  const c: NetflowUdpCounters = {
    receivedPackets: 0,
    receivedBytes: 0,
    droppedPackets: 0,
    queuedPackets: 0,
    decodedPackets: 0,
    decodedFlows: 0,
    rejected: 0,
    sequenceGaps: 0,
    outputErrors: 0,
    kernelDrops: null,
  };
  let sockets: Socket[] = [];
  let boundPorts: number[] = [];
  let scheduled = false;
  let running = false;
  let idleWaiters: (() => void)[] = [];

  function enqueue(msg: Buffer, address: string, port: number): void {
    const now = deps.clock.now();
    c.receivedPackets++;
    c.receivedBytes += msg.length;
    if (size === cap) {
      c.droppedPackets++;
      return;
    }
    const at = (head + size) % cap;
    qData[at] = msg;
    qAddress[at] = address;
    qPort[at] = port;
    qTime[at] = now;
    size++;
    schedule();
  }

  function schedule(): void {
    if (scheduled || running) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      void decodeTurn();
    });
  }

  /**
   * Decodes up to `decodeBatchPackets` datagrams into shared batches (many small packets fill one
   * batch) and hands them on as one output per turn.
   */
  async function decodeTurn(): Promise<void> {
    running = true;
    try {
      const out: ParseOutput = { batches: [], gaps: [], rejections: [] };
      for (let n = 0; n < config.decodeBatchPackets && size > 0; n++) {
        const msg = qData[head]!;
        const exporter = { address: exporterAddress(qAddress[head]!), port: qPort[head]! };
        const receivedAtMs = qTime[head]!;
        qData[head] = null;
        head = (head + 1) % cap;
        size--;
        const o = decoder.decode(msg, exporter, receivedAtMs, { hold: true });
        c.decodedPackets++;
        out.batches.push(...o.batches);
        out.gaps.push(...o.gaps);
        out.rejections.push(...o.rejections);
      }
      out.batches.push(...decoder.flush());
      for (const b of out.batches) c.decodedFlows += b.length;
      c.rejected += out.rejections.length;
      c.sequenceGaps += out.gaps.length;
      if (out.batches.length + out.gaps.length + out.rejections.length > 0) {
        try {
          const pending = deps.onOutput(out);
          if (pending !== undefined) await pending;
        } catch (e) {
          c.outputErrors++;
          deps.onError?.(`netflow output failed: ${errorMessage(e)}`);
        }
      }
    } finally {
      running = false;
    }
    if (size > 0) {
      schedule();
      return;
    }
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  async function bind(host: string, port: number): Promise<BoundSocket> {
    const v6 = isIPv6(host);
    const socket = createSocket({
      type: v6 ? 'udp6' : 'udp4',
      ipv6Only: false,
      recvBufferSize: config.receiveBufferBytes,
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error): void => {
        socket.close();
        reject(
          new UserError(`cannot listen for NetFlow on ${host} port ${port}: ${errorMessage(e)}`, {
            hint: 'choose a free port (another collector may hold it); ports below 1024 need privileges',
            exitCode: EXIT_USAGE,
            cause: e,
          }),
        );
      };
      socket.once('error', onError);
      socket.bind(port, host, () => {
        socket.off('error', onError);
        resolve();
      });
    });
    socket.on('message', (msg, rinfo) => enqueue(msg, rinfo.address, rinfo.port));
    socket.on('error', (e) => deps.onError?.(`netflow socket ${host}:${port}: ${errorMessage(e)}`));
    sockets.push(socket);
    const a = socket.address();
    boundPorts.push(a.port);
    try {
      socket.setRecvBufferSize(config.receiveBufferBytes);
    } catch (e) {
      // Already applied at creation as far as the kernel allows; report what was granted.
      deps.onError?.(`netflow socket ${host}:${port}: receive buffer: ${errorMessage(e)}`);
    }
    const granted = socket.getRecvBufferSize();
    return { address: a.address, port: a.port, family: v6 ? 'IPv6' : 'IPv4', receiveBufferBytes: granted };
  }

  return {
    async start() {
      const bound: BoundSocket[] = [];
      try {
        for (const l of config.listen) bound.push(await bind(l.host, l.port));
      } catch (e) {
        await this.stop();
        throw e;
      }
      return bound;
    },
    async stop() {
      const closing = sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
      sockets = [];
      boundPorts = [];
      await Promise.all(closing);
      await this.drain();
    },
    drain() {
      if (size === 0 && !running && !scheduled) return Promise.resolve();
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        schedule();
      });
    },
    counters() {
      return { ...c, queuedPackets: size, kernelDrops: readKernelDrops(boundPorts) };
    },
    decoderStats: () => decoder.stats(),
  };
}
