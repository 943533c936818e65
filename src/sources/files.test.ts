import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_INPUT, UserError } from '../core/errors.ts';
import { flowAt, type FlowRecord } from '../core/flow.ts';
import type { CoverageGap } from '../core/flow.ts';
import type { Rejection } from '../core/records.ts';
import { openFlowInputs, type InputEvent } from './files.ts';

const HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const line = (iface: string, src: string, start: number): string =>
  `2 123456789012 ${iface} ${src} 10.0.0.2 40000 443 6 3 300 ${start} ${start + 60} ACCEPT OK`;

const dir = mkdtempSync(join(tmpdir(), 'sg-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(rel: string, data: string | Buffer): string {
  const path = join(dir, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, data);
  return path;
}

interface Collected {
  events: InputEvent[];
  flows: (FlowRecord & { file: string })[];
  gaps: CoverageGap[];
  rejections: Rejection[];
}

async function collect(paths: string[], options = {}): Promise<Collected> {
  const c: Collected = { events: [], flows: [], gaps: [], rejections: [] };
  for await (const ev of openFlowInputs(paths, options)) {
    c.events.push(ev);
    if (ev.kind !== 'output') continue;
    for (const b of ev.output.batches)
      for (let i = 0; i < b.length; i++) c.flows.push({ ...flowAt(b, i), file: ev.file });
    c.gaps.push(...ev.output.gaps);
    c.rejections.push(...ev.output.rejections);
  }
  return c;
}

const framing = (events: InputEvent[]): unknown[] =>
  events
    .filter((e) => e.kind !== 'output')
    .map((e) => (e.kind === 'file-end' ? [e.kind, e.lines] : [e.kind, e.sizeBytes]));

describe('openFlowInputs: paths', () => {
  it('walks an S3 layout and a Hive layout in sorted (time) order, skipping hidden files', async () => {
    const s3 = 'AWSLogs/123456789012/vpcflowlogs/ap-northeast-1/2026/11';
    write(
      `s3/${s3}/21/123456789012_vpcflowlogs_ap-northeast-1_fl-1_20261121T0005Z_ab.log.gz`,
      gzipSync(`${HEADER}\n${line('eni-b', '10.0.0.3', 300)}\n`),
    );
    write(
      `s3/${s3}/20/123456789012_vpcflowlogs_ap-northeast-1_fl-1_20261120T0005Z_cd.log.gz`,
      gzipSync(`${HEADER}\n${line('eni-a', '10.0.0.1', 100)}\n${line('eni-a', '10.0.0.1', 160)}\n`),
    );
    write(`s3/${s3}/20/.hidden.log`, 'garbage\n');
    write('s3/.git/config', 'garbage\n');
    const hive =
      'AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=11';
    write(`hive/${hive}/day=02/b.log`, `${line('eni-d', '10.0.0.5', 900)}\n`);
    write(`hive/${hive}/day=01/a.log`, `${line('eni-c', '10.0.0.4', 800)}\n`);
    const c = await collect([join(dir, 's3'), join(dir, 'hive')]);
    expect(c.rejections).toEqual([]);
    expect(c.flows.map((f) => [f.resource, f.time])).toEqual([
      ['eni-a', 100],
      ['eni-a', 160],
      ['eni-b', 300],
      ['eni-c', 800],
      ['eni-d', 900],
    ]);
    expect(c.events.filter((e) => e.kind === 'file-start').map((e) => e.file.split('/').at(-1))).toEqual([
      '123456789012_vpcflowlogs_ap-northeast-1_fl-1_20261120T0005Z_cd.log.gz',
      '123456789012_vpcflowlogs_ap-northeast-1_fl-1_20261121T0005Z_ab.log.gz',
      'a.log',
      'b.log',
    ]);
  });

  it('throws a UserError with a hint and the input exit code for a missing path', async () => {
    const missing = join(dir, 'no-such-dir');
    await expect(collect([missing])).rejects.toBeInstanceOf(UserError);
    await expect(collect([missing])).rejects.toMatchObject({
      exitCode: EXIT_INPUT,
      message: expect.stringContaining(missing),
    });
  });

  it('rejects a bad format before reading anything', async () => {
    await expect(collect([dir], { format: '${srcaddr} ${srcaddr}' })).rejects.toBeInstanceOf(UserError);
  });
});

describe('openFlowInputs: content', () => {
  it('frames each file with start/end, reports compressed bytes read and counts lines', async () => {
    const gz = gzipSync(
      `${HEADER}\n${line('eni-a', '10.0.0.1', 100)}\n\n${line('eni-a', '10.0.0.9', 100)}\n`,
    );
    const path = write('framing/x.log.gz', gz);
    const c = await collect([path]);
    expect(framing(c.events)).toEqual([
      ['file-start', gz.length],
      ['file-end', 4],
    ]);
    const outputs = c.events.filter((e) => e.kind === 'output');
    expect(outputs.at(-1)?.bytesRead).toBe(gz.length);
    expect(c.flows.map((f) => f.src_ip)).toEqual(['10.0.0.1', '10.0.0.9']);
  });

  it('sniffs content, not names: gzip inside gzip, text named .gz, headerless with --format', async () => {
    const twice = write('sniff/twice.log', gzipSync(gzipSync(`${line('eni-a', '10.0.0.1', 100)}\n`)));
    const plain = write('sniff/plain.gz', `${line('eni-b', '10.0.0.2', 100)}\n`);
    const custom = write('sniff/custom.txt', 'eni-c 10.0.0.3 10.0.0.4 7\n');
    const c = await collect([twice, plain]);
    expect(c.flows.map((f) => f.resource)).toEqual(['eni-a', 'eni-b']);
    const d = await collect([custom], {
      format: '${interface-id} ${srcaddr} ${dstaddr} ${start}',
      source: 'vpc-test',
    });
    expect(d.flows).toMatchObject([{ resource: 'eni-c', src_ip: '10.0.0.3', time: 7, source: 'vpc-test' }]);
  });

  it('uses the S3 object name window as start time when the format has none', async () => {
    const nat = write(
      'nat/123456789012_vpcflowlogs_us-east-1_fl-9_20261120T0130Z_ff.log',
      'instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr\n- eni-n 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5\n',
    );
    const c = await collect([nat]);
    expect(c.rejections).toEqual([]);
    expect(c.flows).toMatchObject([{ time: Date.UTC(2026, 10, 20, 1, 30) / 1000, resource: 'eni-n' }]);
  });

  it('quarantines an unreadable file (corrupt gzip, dangling link) and goes on to the next', async () => {
    const good = gzipSync(
      `${HEADER}\n${line('eni-a', '10.0.0.1', 100)}\n${line('eni-a', '10.0.0.2', 100)}\n`,
    );
    const corrupt = Buffer.concat([good.subarray(0, good.length - 12), Buffer.from('not the gzip trailer')]);
    const bad = write('bad/1-corrupt.log.gz', corrupt);
    symlinkSync(join(dir, 'bad', 'nowhere'), join(dir, 'bad', '2-dangling.log'));
    const ok = write('bad/3-ok.log', `${line('eni-z', '10.0.0.7', 100)}\n`);
    const c = await collect([join(dir, 'bad')]);
    expect(c.rejections.map((r) => [r.file, r.reason])).toEqual([
      [bad, 'unreadable:gzip'],
      [join(dir, 'bad', '2-dangling.log'), 'unreadable'],
    ]);
    expect(c.rejections[1]?.text).toMatch(/ENOENT/);
    expect(c.flows.at(-1)).toMatchObject({ resource: 'eni-z', file: ok });
    expect(framing(c.events).filter((e) => (e as unknown[])[0] === 'file-end')).toHaveLength(3);
  });
});

describe('openFlowInputs: CloudWatch Logs', () => {
  const events = [
    {
      id: '1',
      timestamp: 1700000000000,
      message: '2 123456789012 eni-x 10.0.0.1 10.0.0.2 1 2 6 3 4 1700000000 1700000060 ACCEPT OK',
    },
    {
      id: '2',
      timestamp: 1700000001000,
      message: '2 123456789012 eni-x 10.0.0.1 10.0.0.3 1 2 6 3 4 1700000001 1700000060 REJECT OK',
    },
    {
      id: '3',
      timestamp: 1700000002000,
      message: '2 123456789012 eni-x - - - - - - - 1700000002 1700000060 - NODATA',
    },
    { id: '4', timestamp: 1700000003000, message: '2 123456789012 eni-x 10.0.0.1' },
  ];
  const payload = {
    messageType: 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup: 'vpc-flow-logs',
    logStream: 'eni-x-all',
    subscriptionFilters: ['all'],
    logEvents: events,
  };
  const control = {
    messageType: 'CONTROL_MESSAGE',
    owner: 'CloudwatchLogs',
    logGroup: '',
    logStream: '',
    subscriptionFilters: [],
    logEvents: [{ id: '', timestamp: 1, message: 'CWL CONTROL MESSAGE: Checking health of destination' }],
  };
  const b64 = (v: unknown): string => gzipSync(JSON.stringify(v)).toString('base64');

  it('reads a base64(gzip(JSON)) subscription payload and skips CONTROL_MESSAGEs', async () => {
    const path = write('cw/payloads.txt', `${b64(control)}\n${b64(payload)}\n`);
    const c = await collect([path]);
    expect(c.flows.map((f) => [f.dst_ip, f.action, f.time, f.resource])).toEqual([
      ['10.0.0.2', 'accept', 1700000000, 'eni-x'],
      ['10.0.0.3', 'reject', 1700000001, 'eni-x'],
    ]);
    expect(c.gaps.map((g) => [g.kind, g.start])).toEqual([['nodata', 1700000002]]);
    expect(c.rejections.map((r) => [r.reason, r.text])).toEqual([
      ['field-count', '2 123456789012 eni-x 10.0.0.1'],
    ]);
  });

  it('reads a base64 payload wrapped over several lines, and a Lambda event with awslogs.data', async () => {
    const wrapped = b64(payload).replace(/(.{76})/g, '$1\n');
    const lambda = { awslogs: { data: b64(payload) } };
    const c = await collect([
      write('cw/wrapped.b64', wrapped),
      write('cw/lambda.json', JSON.stringify(lambda, null, 2)),
    ]);
    expect(c.flows).toHaveLength(4);
    expect(c.flows.map((f) => f.dst_ip)).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.2', '10.0.0.3']);
  });

  it('reads the decoded subscription JSON; the log stream gives the interface only when the format lacks it', async () => {
    const short = {
      ...payload,
      logEvents: [{ id: '9', timestamp: 1700000009000, message: '10.0.0.8 10.0.0.9 6' }],
    };
    const path = write('cw/decoded.json.gz', gzipSync(JSON.stringify(short)));
    const c = await collect([path], { format: 'srcaddr dstaddr protocol' });
    expect(c.flows).toMatchObject([
      { src_ip: '10.0.0.8', proto: 6, time: 1700000009, resource: 'eni-x', text: { interface_id: 'eni-x' } },
    ]);
  });

  it('loads the other lines when the first JSON line is the broken one', async () => {
    const lines = ['{"timestamp": 1, "message": ', JSON.stringify(events[0]), JSON.stringify(events[1])];
    const c = await collect([write('cw/first-broken.jsonl', `${lines.join('\n')}\n`)]);
    expect(c.flows.map((f) => f.dst_ip)).toEqual(['10.0.0.2', '10.0.0.3']);
    expect(c.rejections.map((r) => [r.line, r.reason])).toEqual([[1, 'bad-json']]);
  });

  it('reads exported events, one JSON object per line, and quarantines a broken line', async () => {
    const lines = ['', JSON.stringify(events[0]), '{"timestamp": 1, "message": ', JSON.stringify(events[1])];
    const c = await collect([write('cw/export.jsonl', `${lines.join('\n')}\n`)]);
    expect(c.flows.map((f) => f.dst_ip)).toEqual(['10.0.0.2', '10.0.0.3']);
    expect(c.rejections.map((r) => [r.line, r.reason])).toEqual([[3, 'bad-json']]);
  });
});

describe('openFlowInputs: Parquet', () => {
  it('quarantines a damaged Parquet file and goes on', async () => {
    const broken = write('pq/1-broken.parquet', Buffer.from('PAR1 this is not really parquet at all PAR1'));
    const ok = write('pq/2-ok.log', `${line('eni-q', '10.0.0.1', 100)}\n`);
    const c = await collect([broken, ok]);
    expect(c.rejections.map((r) => [r.file, r.line, r.reason])).toEqual([[broken, 1, 'unreadable']]);
    expect(c.rejections[0]?.text).toMatch(/^Parquet: /);
    expect(c.flows.map((f) => f.resource)).toEqual(['eni-q']);
  });

  it('reads a Parquet file written by DuckDB, by underscore column names, in chunks', async () => {
    const path = join(dir, 'flows.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    // 5 000 rows: more than one DuckDB chunk (2 048 rows)
    await conn.run(`COPY (
      SELECT 5 AS version, '123456789012' AS account_id, 'eni-p' || (i % 3) AS interface_id,
        '10.0.' || (i // 256) || '.' || (i % 256) AS srcaddr, '10.1.0.1' AS dstaddr,
        (1024 + i)::INTEGER AS srcport, 443::INTEGER AS dstport, 6::INTEGER AS protocol,
        (i + 1)::BIGINT AS packets, ((i + 1) * 100)::BIGINT AS bytes,
        (1700000000 + i)::BIGINT AS start, (1700000060 + i)::BIGINT AS "end",
        CASE WHEN i % 10 = 0 THEN 'REJECT' ELSE 'ACCEPT' END AS action, 'OK' AS log_status,
        CASE WHEN i % 2 = 0 THEN 'ingress' ELSE 'egress' END AS flow_direction,
        CASE WHEN i % 2 = 0 THEN NULL ELSE 2 END::INTEGER AS traffic_path,
        'x' || i AS some_new_field
      FROM range(5000) t(i)) TO '${path}' (FORMAT parquet)`);
    conn.closeSync();
    instance.closeSync();
    const c = await collect([path]);
    expect(c.rejections).toEqual([]);
    expect(c.flows).toHaveLength(5000);
    expect(c.events.filter((e) => e.kind === 'output').length).toBeGreaterThan(2);
    expect(c.flows[257]).toMatchObject({
      src_ip: '10.0.1.1',
      src_port: 1281,
      dst_port: 443,
      packets: 258,
      bytes: 25800,
      time: 1700000257,
      action: 'accept',
      direction: 'egress',
      resource: 'eni-p2',
      ints: { version: 5, traffic_path: 2 },
      text: { account_id: '123456789012', interface_id: 'eni-p2', extra: '{"some-new-field":"x257"}' },
    });
    expect(c.flows.filter((f) => f.action === 'reject')).toHaveLength(500);
    expect(c.flows.reduce((s, f) => s + (f.bytes ?? 0), 0)).toBe((100 * 5000 * 5001) / 2);
    expect(c.events.at(-1)).toEqual({ kind: 'file-end', file: path, lines: 5000 });
  });
});
