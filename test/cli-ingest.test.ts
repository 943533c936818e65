// End to end through the CLI, as a user runs it: a directory of S3-layout .gz files that mixes
// the default format and a custom one (with its header), a Hive-layout file, and a file with
// malformed lines; then counts and aggregates compared with independent counts of what was
// written, AWS's example queries, and the quarantine.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CapturedRun, runCaptured } from '../src/cli/run-captured.ts';

interface Row {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  proto: number;
  packets: number;
  bytes: number;
  start: number;
  action: 'ACCEPT' | 'REJECT';
  eni: string;
}

const sorted = (m: Map<string, number>): [string, number][] =>
  [...m].sort((p, q) => p[0].localeCompare(q[0]));

function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
}

function makeRows(n: number, seed: number, t0: number): Row[] {
  const r = rng(seed);
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const inside = `10.0.${Math.floor(r() * 4)}.${1 + Math.floor(r() * 20)}`;
    const outside =
      r() < 0.1
        ? `2001:db8::${(1 + Math.floor(r() * 50)).toString(16)}`
        : `198.51.100.${Math.floor(r() * 30)}`;
    const v6 = outside.includes(':');
    const out = r() < 0.5;
    rows.push({
      src: out ? (v6 ? '2001:db8:1::5' : inside) : outside,
      dst: out ? outside : v6 ? '2001:db8:1::5' : inside,
      sport: 1024 + Math.floor(r() * 60000),
      dport: [22, 80, 443, 3389, 53, 123][Math.floor(r() * 6)]!,
      proto: r() < 0.8 ? 6 : 17,
      packets: 1 + Math.floor(r() * 100),
      bytes: 40 + Math.floor(r() * 100000),
      start: t0 + i,
      action: r() < 0.2 ? 'REJECT' : 'ACCEPT',
      eni: `eni-0${Math.floor(r() * 3)}`,
    });
  }
  return rows;
}

const defaultLine = (x: Row): string =>
  `2 123456789012 ${x.eni} ${x.src} ${x.dst} ${x.sport} ${x.dport} ${x.proto} ${x.packets} ${x.bytes} ${x.start} ${x.start + 30} ${x.action} OK`;
const CUSTOM_HEADER =
  'start end interface-id srcaddr srcport dstaddr dstport protocol bytes packets action log-status version';
const customLine = (x: Row): string =>
  `${x.start} ${x.start + 30} ${x.eni} ${x.src} ${x.sport} ${x.dst} ${x.dport} ${x.proto} ${x.bytes} ${x.packets} ${x.action} OK 5`;

async function cli(dataDir: string, ...args: string[]): Promise<CapturedRun> {
  return runCaptured(['--data-dir', dataDir, ...args]);
}

describe('ingest and query through the CLI', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'sg-e2e-'));
  const dataDir = path.join(root, 'data');
  const t0 = 1_795_305_600; // 2026-11-22T00:00:00Z
  const a = makeRows(3000, 1, t0);
  const b = makeRows(2000, 2, t0 + 3000);
  const c = makeRows(500, 3, t0 + 86_400);
  const all = [...a, ...b, ...c];
  const logs = path.join(root, 'AWSLogs');
  let ingest: { code: number; out: string; err: string };

  beforeAll(async () => {
    const s3 = path.join(logs, '123456789012', 'vpcflowlogs', 'ap-northeast-1', '2026', '11', '22');
    mkdirSync(s3, { recursive: true });
    const header =
      'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
    writeFileSync(
      path.join(s3, '123456789012_vpcflowlogs_ap-northeast-1_fl-1_20261122T0000Z_a.log.gz'),
      gzipSync(
        `${header}\n${a.map(defaultLine).join('\n')}\n2 123456789012 eni-09 - - - - - - - ${t0} ${t0 + 60} - NODATA\n`,
      ),
    );
    writeFileSync(
      path.join(s3, '123456789012_vpcflowlogs_ap-northeast-1_fl-2_20261122T0100Z_b.log.gz'),
      gzipSync(`${CUSTOM_HEADER}\n${b.map(customLine).join('\n')}\n`),
    );
    const hive = path.join(
      root,
      'hive',
      'aws-account-id=123456789012',
      'aws-service=vpcflowlogs',
      'aws-region=ap-northeast-1',
      'year=2026',
      'month=11',
      'day=23',
    );
    mkdirSync(hive, { recursive: true });
    const bad = [
      '2 123456789012 eni-01 10.0.0.1 198.51.100.1 1000 443 6 1 40',
      '2 123456789012 eni-01 10.0.0.999 198.51.100.1 1000 443 6 1 40 1795478400 1795478430 ACCEPT OK',
      '2 123456789012 eni-01 10.0.0.1 198.51.100.1 1000 443 6 many 40 1795478400 1795478430 ACCEPT OK',
    ];
    const lines = c.map(defaultLine);
    lines.splice(100, 0, bad[0]!);
    lines.splice(200, 0, bad[1]!);
    lines.splice(300, 0, bad[2]!);
    writeFileSync(path.join(hive, 'flows.log.gz'), gzipSync(`${header}\n${lines.join('\n')}\n`));
    ingest = await cli(dataDir, 'ingest', logs, path.join(root, 'hive'), '--json', '--no-detect');
  });

  it('stores every good record, counts the gap and quarantines the bad lines', () => {
    expect(ingest.code, ingest.err).toBe(0);
    const s = JSON.parse(ingest.out) as {
      flows: number;
      rejected: number;
      gaps: { nodata: number };
      files: number;
      quarantineFile: string;
      rejectedByReason: Record<string, number>;
    };
    expect(s.files).toBe(3);
    expect(s.flows).toBe(all.length);
    expect(s.gaps.nodata).toBe(1);
    expect(s.rejected).toBe(3);
    const q = readFileSync(s.quarantineFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; line: number; reason: string });
    // Line numbers count the header line: data line k (0-based) is file line k + 2.
    expect(q.map((r) => r.line)).toEqual([102, 202, 302]);
    expect(q.every((r) => r.file.endsWith('flows.log.gz'))).toBe(true);
  });

  it('gives the same per-port and per-address aggregates as an independent count', async () => {
    const r = await cli(
      dataDir,
      'query',
      'SELECT dst_port, count(*) AS n, sum(bytes) AS b FROM flows GROUP BY 1 ORDER BY 1',
      '--json',
    );
    expect(r.code, r.err).toBe(0);
    const expected = new Map<number, { n: number; b: number }>();
    for (const x of all) {
      const e = expected.get(x.dport) ?? { n: 0, b: 0 };
      e.n++;
      e.b += x.bytes;
      expected.set(x.dport, e);
    }
    expect(JSON.parse(r.out)).toEqual(
      [...expected].sort((p, q) => p[0] - q[0]).map(([dst_port, e]) => ({ dst_port, n: e.n, b: e.b })),
    );
    const bySrc = await cli(dataDir, 'query', 'SELECT src_ip, count(*) AS n FROM flows GROUP BY 1', '--json');
    const got = new Map(
      (JSON.parse(bySrc.out) as { src_ip: string; n: number }[]).map((x) => [x.src_ip, x.n]),
    );
    const want = new Map<string, number>();
    for (const x of all) want.set(x.src, (want.get(x.src) ?? 0) + 1);
    expect(sorted(got)).toEqual(sorted(want));
  });

  it('answers AWS example queries as written (Logs Insights and Athena)', async () => {
    const li = await cli(
      dataDir,
      'query',
      'filter protocol=17 | stats count(*) as n by srcAddr | sort n desc | limit 5000',
      '--json',
    );
    expect(li.code, li.err).toBe(0);
    const udp = new Map<string, number>();
    for (const x of all) if (x.proto === 17) udp.set(x.src, (udp.get(x.src) ?? 0) + 1);
    const liRows = JSON.parse(li.out) as { srcAddr: string; n: number }[];
    expect(sorted(new Map(liRows.map((x) => [x.srcAddr, x.n])))).toEqual(sorted(udp));

    const athena = await cli(
      dataDir,
      'query',
      'SELECT SUM(packets) AS packetcount, dstaddr FROM vpc_flow_logs WHERE dstport=443 GROUP BY dstaddr ORDER BY packetcount DESC LIMIT 10',
      '--json',
    );
    expect(athena.code, athena.err).toBe(0);
    const by = new Map<string, number>();
    for (const x of all) if (x.dport === 443) by.set(x.dst, (by.get(x.dst) ?? 0) + x.packets);
    const top = (JSON.parse(athena.out) as { packetcount: number; dstaddr: string }[]).map(
      (x) => x.packetcount,
    );
    expect(top).toEqual([...by.values()].sort((p, q) => q - p).slice(0, 10));

    const gaps = await cli(dataDir, 'query', 'filter logStatus="NODATA" | stats count(*) as n', '--json');
    expect(JSON.parse(gaps.out)).toEqual([{ n: 1 }]);
  });

  it('refuses queries that would write or read files', async () => {
    for (const q of [
      'DELETE FROM flows',
      "SELECT * FROM read_csv('/etc/passwd')",
      "COPY flows TO '/tmp/x.csv'",
    ]) {
      const r = await cli(dataDir, 'query', q);
      expect(r.code, q).toBe(2);
      expect(r.err).toMatch(/sakura-guard: /);
    }
  });

  it('reports what the store holds and exports Parquet per day', async () => {
    const st = await cli(dataDir, 'stats', '--json');
    expect(st.code, st.err).toBe(0);
    expect(JSON.parse(st.out)).toMatchObject({ flows: all.length, gaps: { nodata: 1 } });
    const ex = await cli(dataDir, 'export', '--parquet', path.join(root, 'lake'), '--json');
    expect(ex.code, ex.err).toBe(0);
    const res = JSON.parse(ex.out) as { rows: number; files: { date: string }[] };
    expect(res.rows).toBe(all.length);
    expect(res.files.map((f) => f.date)).toEqual(['2026-11-22', '2026-11-23']);
  });

  it('says clearly what is wrong with a missing path and exits 2 or 3', async () => {
    const r = await cli(dataDir, 'ingest', path.join(root, 'nope'));
    expect(r.code).toBeGreaterThan(0);
    expect(r.err).toMatch(/nope/);
    const allBad = path.join(root, 'bad.log');
    writeFileSync(allBad, 'hello world\nthis is not a flow log\n');
    const r2 = await cli(dataDir, 'ingest', allBad, '--no-detect');
    expect(r2.code).toBe(3);
    expect(r2.err).toMatch(/no record could be imported/);
  });
});
