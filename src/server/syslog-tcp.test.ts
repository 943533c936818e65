import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import type { LogEvent, Rejection } from '../core/records.ts';
import { createSyslogTcpSource, type SyslogTcpOptions, type SyslogTcpSource } from './syslog-tcp.ts';
import { syslogUdpConfigSchema } from './syslog-udp.ts';

const NOW = Date.UTC(2026, 10, 23, 9, 0, 0);
const SSHD = (n: number): string =>
  `<38>Nov 23 08:12:${String(n % 60).padStart(2, '0')} vm sshd[10644]: Failed password for root from 203.0.113.${n % 250} port ${40000 + n} ssh2`;
const KERNEL =
  '<4>Nov 23 08:12:26 fw kernel: [ 3502.375896] NDR-DROP: IN=eth0 OUT= MAC=32:f0:9c:36:dc:15:ae:90:4a:9a:de:37:08:00 SRC=198.51.100.1 DST=10.0.0.2 LEN=44 TOS=0x00 PREC=0x00 TTL=46 ID=30385 PROTO=TCP SPT=46476 DPT=23 WINDOW=1024 RES=0x00 SYN URGP=0';

const options = (over: Partial<SyslogTcpOptions> = {}): SyslogTcpOptions => ({
  listen: [{ host: '127.0.0.1', port: 0 }],
  queueFrames: 1000,
  maxConnections: 8,
  maxFrameBytes: 4096,
  utcOffsetMinutes: 0,
  sakuraRouters: [],
  ...over,
});

let source: SyslogTcpSource | null = null;
afterEach(async () => {
  await source?.stop();
  source = null;
});

async function open(over: Partial<SyslogTcpOptions> = {}): Promise<{ port: number }> {
  source = createSyslogTcpSource(options(over), manualClock(NOW));
  const [bound] = await source.start();
  return { port: bound!.port };
}

function client(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

const closed = (s: Socket): Promise<void> => new Promise((resolve) => s.once('close', () => resolve()));

/** Decodes until `want` events arrived or 5 s passed (bounded). */
async function collect(
  want: number,
): Promise<{ events: LogEvent[]; flows: number; rejections: Rejection[] }> {
  const events: LogEvent[] = [];
  const rejections: Rejection[] = [];
  let flows = 0;
  for (let i = 0; i < 500 && events.length < want; i++) {
    await new Promise((r) => setTimeout(r, 10));
    const out = source!.decode();
    events.push(...out.events.events);
    rejections.push(...out.flows.rejections, ...out.events.rejections);
    for (const b of out.flows.batches) flows += b.length;
  }
  return { events, flows, rejections };
}

describe('syslog over TCP', () => {
  it('reads octet-counted and newline-framed messages from several connections', async () => {
    const { port } = await open();
    const a = await client(port);
    const b = await client(port);
    const counted = [SSHD(1), KERNEL].map((m) => `${Buffer.byteLength(m)} ${m}`).join('');
    // Split mid-frame to show that framing survives TCP segmentation.
    a.write(counted.slice(0, 50));
    b.write(`${SSHD(2)}\n${SSHD(3)}\r\n`);
    a.end(counted.slice(50));
    b.end();
    await Promise.all([closed(a), closed(b)]);
    const out = await collect(3);
    expect(out.events.map((e) => [e.outcome, e.src_ip, e.source]).sort()).toEqual([
      ['failure', '203.0.113.1', 'sshd'],
      ['failure', '203.0.113.2', 'sshd'],
      ['failure', '203.0.113.3', 'sshd'],
    ]);
    expect(out.flows).toBe(1);
    expect(source!.counters()).toMatchObject({ connections: 2, frames: 4 });
  });

  it('rejects an over-long frame, a frame cut by the close, and goes on', async () => {
    const { port } = await open({ maxFrameBytes: 512 });
    const c = await client(port);
    c.write(`${'x'.repeat(2000)}\n${SSHD(4)}\n300 <38>cut`);
    c.end();
    await closed(c);
    const out = await collect(1);
    expect(out.events.map((e) => e.src_ip)).toEqual(['203.0.113.4']);
    expect(out.rejections.map((r) => r.reason).sort()).toEqual(['frame-too-long', 'truncated-frame']);
  });

  it('pauses senders when the queue is full and loses nothing', async () => {
    const { port } = await open({ queueFrames: 10 });
    const c = await client(port);
    const lines = Array.from({ length: 500 }, (_, n) => `${SSHD(n)}\n`).join('');
    c.end(lines);
    const out = await collect(500);
    expect(out.events).toHaveLength(500);
    expect(source!.counters().pauses).toBeGreaterThan(0);
  });

  it('refuses connections beyond the limit', async () => {
    const { port } = await open({ maxConnections: 1 });
    const a = await client(port);
    const b = await client(port);
    await closed(b);
    a.end(`${SSHD(5)}\n`);
    const out = await collect(1);
    expect(out.events).toHaveLength(1);
    expect(source!.counters()).toMatchObject({ connections: 1, refusedConnections: 1 });
  });

  it('is off by default in the syslog configuration', () => {
    expect(syslogUdpConfigSchema.parse({})).toMatchObject({ tcpListen: [], tcpMaxConnections: 256 });
  });
});
