// Property-based fuzzing of every parser (fast-check): arbitrary text and bytes, and good lines
// with one field replaced by anything. Each parser must not throw, must account for every input
// line (a record, an event or a counted rejection with a reason, its line number and at most
// 4 KiB of text), and must keep its output proportional to its input. A hang fails through the
// test timeout. Seeds are fixed so a failure replays; fast-check prints the shrunk input.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_REJECTED_TEXT, type LogEvent, type Rejection } from '../core/records.ts';
import type { FlowBatch } from '../core/flow.ts';
import { AccessLogParser } from './access/parser.ts';
import { FirewallLogParser } from './iptables/parser.ts';
import { NfdumpCsvParser } from './nfdump/parser.ts';
import { SakuraRouterParser } from './sakura-router/parser.ts';
import { SshdParser } from './sshd/parser.ts';
import { parseSyslog } from './syslog/header.ts';
import { parseVpcBuffer } from './vpc/parser.ts';
import { ZeekConnParser } from './zeek/parser.ts';

interface AnyOutput {
  batches?: FlowBatch[];
  events?: LogEvent[];
  rejections: Rejection[];
}
interface LineParser {
  push(b: Buffer): AnyOutput;
  end(): AnyOutput;
  /** Lines an event parser counted as not its own (an auth log's cron lines...). */
  readonly skipped?: number;
}

const REF = Date.UTC(2026, 10, 23);
const RUNS = 200;
const NFDUMP_HEADER = 'ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,ra';

/** Name, factory, header lines, a good line and its field separator. */
const LINE_PARSERS: [string, () => LineParser, string, string, string][] = [
  [
    'iptables',
    () => new FirewallLogParser({ referenceMs: REF, maxLineBytes: 4096 }),
    '',
    'Nov 23 08:12:26 vm kernel: [ 3502.375896] NDR-DROP: IN=eth0 OUT= SRC=10.200.0.1 DST=10.200.0.2 LEN=44 TOS=0x00 PREC=0x00 TTL=46 ID=1 PROTO=TCP SPT=46476 DPT=110 WINDOW=1024 RES=0x00 SYN URGP=0',
    ' ',
  ],
  [
    'sshd',
    () => new SshdParser({ referenceMs: REF, maxLineBytes: 4096 }),
    '',
    'Nov 23 08:12:41 vm sshd[1]: Failed password for invalid user admin from 10.0.0.1 port 2222 ssh2',
    ' ',
  ],
  [
    'access',
    () => new AccessLogParser({ maxLineBytes: 4096 }),
    '',
    '10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "GET /index.html HTTP/1.1" 404 5 "-" "curl/8.0"',
    ' ',
  ],
  [
    'nginx-error',
    () => new AccessLogParser({ maxLineBytes: 4096 }),
    '',
    '2021/09/30 09:23:53 [error] 1925800#1925800: *17 user "foo" was not found in "/tmp/a.htpasswd", client: 127.0.0.1, server: _, request: "GET / HTTP/1.1", host: "localhost"',
    ' ',
  ],
  [
    'zeek',
    () => new ZeekConnParser({ maxLineBytes: 4096 }),
    '',
    '1700000001\tC2\t10.0.0.1\t5001\t192.0.2.2\t81\ttcp\t-\t-\t-\t-\tS0\t-\t-\t0\tS\t1\t60\t0\t0\t-',
    '\t',
  ],
  [
    'nfdump',
    () => new NfdumpCsvParser({ maxLineBytes: 4096 }),
    `${NFDUMP_HEADER}\n`,
    '2026-11-23 08:12:26,2026-11-23 08:12:26,0.000,10.200.0.1,10.200.0.2,46476,22,TCP,.....RS.,0,0,2,84,0,0,127.0.0.1',
    ',',
  ],
  [
    'sakura-router',
    () => new SakuraRouterParser({ referenceMs: REF, maxLineBytes: 4096 }),
    '',
    '2026-11-23T09:00:00+09:00 rt fw: action=deny proto=udp src=198.51.100.1 sport=53 dst=192.0.2.2 dport=5353',
    ' ',
  ],
];

function run(
  create: () => LineParser,
  input: Buffer,
): { records: number; rejections: Rejection[]; skipped: number } {
  const p = create();
  let records = 0;
  const rejections: Rejection[] = [];
  const take = (o: AnyOutput): void => {
    for (const b of o.batches ?? []) records += b.length;
    records += o.events?.length ?? 0;
    rejections.push(...o.rejections);
  };
  take(p.push(input));
  take(p.end());
  return { records, rejections, skipped: p.skipped ?? 0 };
}

function lineCount(text: Buffer): number {
  let n = 0;
  for (const b of text) if (b === 0x0a) n++;
  return text.length > 0 && text[text.length - 1] !== 0x0a ? n + 1 : n;
}

function checkRejections(rejections: readonly Rejection[], lines: number): void {
  for (const r of rejections) {
    expect(r.reason).toMatch(/^[a-z][^\s]*$/i);
    expect(r.line).toBeGreaterThanOrEqual(1);
    expect(r.line).toBeLessThanOrEqual(lines);
    expect(r.text.length).toBeLessThanOrEqual(MAX_REJECTED_TEXT);
  }
}

/** A good line with one field replaced by arbitrary text (no line breaks). */
const mutatedLine = (good: string, sep: string): fc.Arbitrary<string> => {
  const fields = good.split(sep);
  return fc
    .tuple(
      fc.nat({ max: fields.length - 1 }),
      fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 20 }),
        fc.integer().map(String),
        fc.constantFrom(
          '',
          '-',
          '0',
          '-1',
          '4294967296',
          '99999999999999999999',
          'NaN',
          '1e309',
          '::',
          '%',
          '"',
        ),
      ),
    )
    .map(([i, v]) => {
      const out = [...fields];
      out[i] = v.replace(/[\r\n]/g, ' ');
      return out.join(sep);
    });
};

describe.each(LINE_PARSERS)('%s parser, fuzzed', (_name, create, header, good, sep) => {
  it('arbitrary bytes: no throw, at most one record or one rejection per line', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const input = Buffer.concat([Buffer.from(header), Buffer.from(bytes)]);
        const { records, rejections } = run(create, input);
        const lines = lineCount(input);
        checkRejections(rejections, lines);
        // Event parsers may emit one event per repeated message, bounded by the input size.
        expect(records).toBeLessThanOrEqual(input.length);
      }),
      { numRuns: RUNS, seed: 11 },
    );
  });

  it('good lines with one field replaced: every line parsed or rejected with a reason', () => {
    fc.assert(
      fc.property(fc.array(mutatedLine(good, sep), { minLength: 1, maxLength: 20 }), (list) => {
        const input = Buffer.from(`${header}${list.join('\n')}\n`);
        const { records, rejections, skipped } = run(create, input);
        checkRejections(rejections, lineCount(input));
        expect(records + rejections.length + skipped).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: RUNS, seed: 12 },
    );
  });
});

describe('VPC parser, fuzzed', () => {
  const header =
    'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
  const good =
    '2 123456789012 eni-0a1b2c3d 10.0.0.1 10.0.0.2 443 51515 6 10 5000 1700000000 1700000060 ACCEPT OK';

  it('good lines with one field replaced: each line is one record, one gap or one rejection', () => {
    fc.assert(
      fc.property(fc.array(mutatedLine(good, ' '), { minLength: 1, maxLength: 30 }), (list) => {
        const out = parseVpcBuffer(Buffer.from(`${header}\n${list.join('\n')}\n`), { file: 'fuzz' });
        const records = out.batches.reduce((n, b) => n + b.length, 0);
        checkRejections(out.rejections, list.length + 1);
        expect(records + out.gaps.length + out.rejections.length).toBeLessThanOrEqual(list.length);
        expect(records + out.gaps.length + out.rejections.length).toBeGreaterThanOrEqual(
          list.filter((l) => l.trim() !== '').length,
        );
      }),
      { numRuns: 100, seed: 13 },
    );
  });

  it('arbitrary bytes after a header: no throw, rejections bounded', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        const input = Buffer.concat([Buffer.from(`${header}\n`), Buffer.from(bytes)]);
        const out = parseVpcBuffer(input, { file: 'fuzz' });
        checkRejections(out.rejections, lineCount(input));
      }),
      { numRuns: 100, seed: 14 },
    );
  });
});

describe('syslog header, fuzzed', () => {
  it('any text: a result with a reason or a parsed header, never a throw', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ maxLength: 60 }).map((s) => `<${s}`),
          fc
            .tuple(fc.integer({ min: -5, max: 300 }), fc.string({ maxLength: 80 }))
            .map(([p, s]) => `<${p}>1 ${s}`),
          fc
            .tuple(fc.integer({ min: 0, max: 191 }), fc.string({ maxLength: 80 }))
            .map(([p, s]) => `<${p}>Nov 23 08:12:26 ${s}`),
        ),
        (text) => {
          const r = parseSyslog(text, { referenceMs: REF, utcOffsetMinutes: 0 });
          if (!r.ok) expect(r.reason).toMatch(/^[a-z][^\s]*$/i);
        },
      ),
      { numRuns: 2000, seed: 15 },
    );
  });
});
