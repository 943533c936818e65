// Syslog receive-path throughput, for `npm run bench`: a mix of kernel LOG, sshd and nginx lines
// as a TCP sender frames them (octet counting), through SyslogTcpFramer and the SyslogRouter
// (header, routing, the three parsers) and drained as the live decode turn does. No sockets:
// the figure is the decode stage's, which is what bounds the receivers.

import type { Rejection } from '../../core/records.ts';
import { SyslogRouter } from './router.ts';
import { SyslogTcpFramer } from './tcp-framing.ts';

export interface SyslogBenchResult {
  lines: number;
  /** Median over the runs, per CPU second (other processes steal wall time on shared machines). */
  linesPerSecond: number;
  flows: number;
  events: number;
}

function ip(i: number): string {
  return `203.0.${(i >>> 8) & 255}.${i & 255}`;
}

function line(i: number): string {
  const ts = `Nov 23 08:12:${String(i % 60).padStart(2, '0')}`;
  switch (i % 4) {
    case 0:
    case 1:
      return `<4>${ts} fw kernel: [ 3502.375896] NDR-DROP: IN=eth0 OUT= MAC=32:f0:9c:36:dc:15:ae:90:4a:9a:de:37:08:00 SRC=${ip(i)} DST=10.200.0.2 LEN=44 TOS=0x00 PREC=0x00 TTL=46 ID=${i & 65535} PROTO=TCP SPT=46476 DPT=${i % 65536} WINDOW=1024 RES=0x00 SYN URGP=0`;
    case 2:
      return `<38>${ts} vm sshd[${i}]: Failed password for invalid user admin from ${ip(i)} port ${i % 65536} ssh2`;
    default:
      return `<190>${ts} web nginx: ${ip(i)} - - [23/Nov/2026:08:12:40 +0000] "GET /img${i}.png HTTP/1.1" 200 ${i} "-" "Mozilla/5.0"`;
  }
}

export function benchSyslogReceive(options: { lines?: number; runs?: number } = {}): SyslogBenchResult {
  const lines = options.lines ?? 200_000;
  const runs = options.runs ?? 5;
  const parts: string[] = [];
  for (let i = 0; i < lines; i++) {
    const l = line(i);
    parts.push(`${Buffer.byteLength(l)} ${l}`);
  }
  const wire = Buffer.from(parts.join(''));
  const rates: number[] = [];
  let flows = 0;
  let events = 0;
  for (let run = 0; run < runs; run++) {
    const cpu0 = process.cpuUsage();
    const framer = new SyslogTcpFramer('bench');
    const router = new SyslogRouter();
    const rejections: Rejection[] = [];
    flows = 0;
    events = 0;
    for (let pos = 0; pos < wire.length; pos += 1 << 20) {
      for (const f of framer.push(wire.subarray(pos, pos + (1 << 20)), rejections)) {
        router.message(f.text, Date.UTC(2026, 10, 23, 9), { file: 'bench', line: f.ordinal });
      }
      const out = router.drain();
      for (const b of out.flows.batches) flows += b.length;
      events += out.events.events.length;
    }
    const cpu = process.cpuUsage(cpu0);
    const s = (cpu.user + cpu.system) / 1e6;
    rates.push(lines / s);
  }
  rates.sort((a, b) => a - b);
  return { lines, linesPerSecond: rates[Math.floor(runs / 2)]!, flows, events };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(benchSyslogReceive({ lines: Number(process.argv[2] ?? 200_000) }));
}
