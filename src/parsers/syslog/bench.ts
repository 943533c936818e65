// Parse-only throughput of the line parsers (iptables, sshd, access, Zeek TSV) on generated lines,
// in memory, fed in 1 MiB chunks. Usage: node src/parsers/syslog/bench.ts [lines] [runs].
// Not a test: rates are per CPU second because other processes steal wall time on shared machines.

import { AccessLogParser } from '../access/parser.ts';
import { FirewallLogParser } from '../iptables/parser.ts';
import { SshdParser } from '../sshd/parser.ts';
import { ZeekConnParser } from '../zeek/parser.ts';

const lines = Number(process.argv[2] ?? 200_000);
const runs = Number(process.argv[3] ?? 5);
const CHUNK = 1 << 20;

function ip(i: number): string {
  return `203.0.${(i >>> 8) & 255}.${i & 255}`;
}

function make(gen: (i: number) => string): Buffer {
  const parts: string[] = [];
  for (let i = 0; i < lines; i++) parts.push(gen(i));
  return Buffer.from(parts.join('\n') + '\n');
}

const inputs: [string, Buffer, () => { push(b: Buffer): unknown; end(): unknown }][] = [
  [
    'iptables',
    make(
      (i) =>
        `Nov 23 08:12:${String(i % 60).padStart(2, '0')} vm kernel: [ 3502.375896] NDR-DROP: IN=eth0 OUT= MAC=32:f0:9c:36:dc:15:ae:90:4a:9a:de:37:08:00 SRC=${ip(i)} DST=10.200.0.2 LEN=44 TOS=0x00 PREC=0x00 TTL=46 ID=${i & 65535} PROTO=TCP SPT=46476 DPT=${i % 65536} WINDOW=1024 RES=0x00 SYN URGP=0 `,
    ),
    () => new FirewallLogParser({ referenceMs: Date.UTC(2026, 11, 1) }),
  ],
  [
    'sshd',
    make((i) =>
      i % 3 === 0
        ? `Nov 23 08:12:40 vm sshd[${i}]: Invalid user admin${i % 100} from ${ip(i)} port ${i % 65536}`
        : `Nov 23 08:12:41 vm sshd[${i}]: Failed password for invalid user admin from ${ip(i)} port ${i % 65536} ssh2`,
    ),
    () => new SshdParser({ referenceMs: Date.UTC(2026, 11, 1) }),
  ],
  [
    'access',
    make(
      (i) =>
        `${ip(i)} - - [17/May/2015:10:05:03 +0000] "GET /presentations/img${i}.png HTTP/1.1" 200 ${i} "http://semicomplete.com/" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36"`,
    ),
    () => new AccessLogParser(),
  ],
  [
    'zeek-tsv',
    make(
      (i) =>
        `${1713484795 + i / 1000}\tC${i}\t${ip(i)}\t${i % 65536}\t64.225.56.201\t22\ttcp\t-\t0.000064\t0\t0\tREJ\tF\tT\t0\tSr\t1\t60\t1\t40\t-`,
    ),
    () => new ZeekConnParser(),
  ],
];

for (const [name, data, create] of inputs) {
  const rates: number[] = [];
  for (let run = 0; run < runs; run++) {
    const cpu0 = process.cpuUsage();
    const parser = create();
    for (let pos = 0; pos < data.length; pos += CHUNK) parser.push(data.subarray(pos, pos + CHUNK));
    parser.end();
    const cpu = process.cpuUsage(cpu0);
    rates.push(lines / ((cpu.user + cpu.system) / 1e6));
  }
  rates.sort((a, b) => a - b);
  console.log(
    `${name}: ${lines} lines, per CPU second median ${(rates[Math.floor(runs / 2)]! / 1000).toFixed(0)} k lines/s, ` +
      `best ${(rates[runs - 1]! / 1000).toFixed(0)} k lines/s`,
  );
}
