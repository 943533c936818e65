// Hostile input for every line parser: binary garbage, a giant line, every truncation of a valid
// line, and chunking: output must not depend on where the input was cut into chunks.

import { describe, expect, it } from 'vitest';
import { flowAt, type FlowBatch } from '../../core/flow.ts';
import type { LogEvent, Rejection } from '../../core/records.ts';
import { AccessLogParser } from '../access/parser.ts';
import { FirewallLogParser } from '../iptables/parser.ts';
import { NfdumpCsvParser } from '../nfdump/parser.ts';
import { SakuraRouterParser } from '../sakura-router/parser.ts';
import { SshdParser } from '../sshd/parser.ts';
import { ZeekConnParser } from '../zeek/parser.ts';

interface AnyOutput {
  batches?: FlowBatch[];
  events?: LogEvent[];
  rejections: Rejection[];
}
interface LineParser {
  push(b: Buffer): AnyOutput;
  end(): AnyOutput;
}

const REF = Date.UTC(2026, 11, 1);
const NFDUMP_HEADER = 'ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,ra';
const PARSERS: [string, () => LineParser, string, string][] = [
  [
    'iptables',
    () => new FirewallLogParser({ referenceMs: REF, maxLineBytes: 4096 }),
    '',
    'Nov 23 08:12:26 vm kernel: [ 3502.375896] NDR-DROP: IN=eth0 OUT= SRC=10.200.0.1 DST=10.200.0.2 LEN=44 TOS=0x00 PREC=0x00 TTL=46 ID=1 PROTO=TCP SPT=46476 DPT=110 WINDOW=1024 RES=0x00 SYN URGP=0',
  ],
  [
    'sshd',
    () => new SshdParser({ referenceMs: REF, maxLineBytes: 4096 }),
    '',
    'Nov 23 08:12:41 vm sshd[1]: Failed password for invalid user a b from 10.0.0.1 port 22 ssh2',
  ],
  [
    'access',
    () => new AccessLogParser({ maxLineBytes: 4096 }),
    '',
    '10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "GET /x y HTTP/1.1" 404 5 "-" "curl \\"q\\""',
  ],
  [
    'zeek',
    () => new ZeekConnParser({ maxLineBytes: 4096 }),
    '',
    '1700000001\tC2\t10.0.0.1\t5001\t192.0.2.2\t81\ttcp\t-\t-\t-\t-\tS0\t-\t-\t0\tS\t1\t60\t0\t0\t-',
  ],
  [
    'nfdump',
    () => new NfdumpCsvParser({ maxLineBytes: 4096 }),
    `${NFDUMP_HEADER}\n`,
    '2026-11-23 08:12:26,2026-11-23 08:12:26,0.000,10.200.0.1,10.200.0.2,46476,22,TCP,.....RS.,0,0,2,84,0,0,127.0.0.1',
  ],
  [
    'sakura-router',
    () => new SakuraRouterParser({ referenceMs: REF, maxLineBytes: 4096 }),
    '',
    '2026-11-23T09:00:00+09:00 rt fw: action=deny proto=udp src=198.51.100.1 sport=53 dst=192.0.2.2 dport=5353',
  ],
];

/** Deterministic pseudo-random bytes (xorshift), so a failure can be replayed. */
function noise(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 255;
  }
  return b;
}

function run(create: () => LineParser, chunks: Buffer[]): { items: unknown[]; rejections: Rejection[] } {
  const p = create();
  const items: unknown[] = [];
  const rejections: Rejection[] = [];
  const take = (o: AnyOutput): void => {
    for (const b of o.batches ?? []) for (let i = 0; i < b.length; i++) items.push(flowAt(b, i));
    items.push(...(o.events ?? []));
    rejections.push(...o.rejections);
  };
  for (const c of chunks) take(p.push(c));
  take(p.end());
  rejections.sort((a, b) => a.line - b.line);
  return { items, rejections };
}

describe.each(PARSERS)('%s parser under hostile input', (_name, create, header, good) => {
  it('binary garbage: no throw, every rejection bounded, the good line after it still parsed', () => {
    const input = Buffer.concat([Buffer.from(header), noise(200_000, 12345), Buffer.from(`\n${good}\n`)]);
    const { items, rejections } = run(create, [input]);
    expect(items.length).toBeGreaterThanOrEqual(1);
    expect(rejections.length).toBeGreaterThan(0);
    for (const r of rejections) expect(r.text.length).toBeLessThanOrEqual(4096);
  });

  it('a 5 MB line is rejected once as too long and the lines around it survive', () => {
    const giant = Buffer.alloc(5_000_000, 0x41);
    const chunks = [
      Buffer.from(`${header}${good}\n`),
      giant.subarray(0, 2_500_000),
      giant.subarray(2_500_000),
      Buffer.from(`\n${good}\n`),
    ];
    const { items, rejections } = run(create, chunks);
    expect(items).toHaveLength(2);
    expect(rejections.map((r) => r.reason)).toEqual(['line-too-long']);
  });

  it('every truncation of a good line is parsed or rejected, never thrown', () => {
    for (let cut = 1; cut < good.length; cut++) {
      const { items, rejections } = run(create, [Buffer.from(`${header}${good.slice(0, cut)}\n`)]);
      expect(items.length + rejections.length).toBeLessThanOrEqual(1);
    }
  });

  it('gives the same output however the input is cut into chunks', () => {
    const text = Buffer.from(`${header}${good}\r\n${good}\n\nnot a record\n${good}`);
    const whole = run(create, [text]);
    for (const size of [1, 2, 3, 7, 64]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.subarray(i, i + size));
      expect(run(create, chunks)).toEqual(whole);
    }
    expect(whole.items).toHaveLength(3);
  });
});
