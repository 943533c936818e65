// export, report and audit --record while `serve` holds the store: the server does the work
// (Parquet per day, the rendered report, the traffic join and the recording) and the command
// writes files and prints as it does alone.

import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { latestPostureReport } from '../audit/record.ts';
import { manualClock } from '../core/clock.ts';
import { defaultConfig } from '../config/schema.ts';
import { startServer, type RunningServer } from '../server/serve.ts';
import { FLOWS_VIEW_COLUMNS } from '../store/schema.ts';
import { runCaptured } from './run-captured.ts';
import { runningServer } from './server-client.ts';

const HOST = '10.0.1.5';
const END = Date.UTC(2026, 10, 20) / 1000;
const COMPOSE = path.resolve(import.meta.dirname, '../audit/testdata/compose/case14.yml');

/** VPC flow log v2 over ten days: public clients reach the host's PostgreSQL port. */
function flowLog(): string {
  const lines: string[] = [];
  for (let d = 0; d < 10; d++) {
    const t = END - d * 86400;
    lines.push(`2 1 eni-1 203.0.113.${10 + d} ${HOST} 51000 5432 6 10 800 ${t} ${t + 60} ACCEPT OK`);
  }
  return `${lines.join('\n')}\n`;
}

let dir: string;
let server: RunningServer;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sg-server-commands-'));
  const config = defaultConfig();
  config.server.port = 0;
  server = await startServer({
    config,
    dataDir: path.join(dir, 'data'),
    clock: manualClock(Date.UTC(2026, 10, 21)),
    version: 't',
    logStream: false,
  });
  writeFileSync(path.join(dir, 'flows.log'), flowLog());
  const ingest = await cli('ingest', path.join(dir, 'flows.log'));
  expect(ingest.code, ingest.err).toBe(0);
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function cli(...args: string[]) {
  return runCaptured(['--data-dir', path.join(dir, 'data'), ...args], { cwd: dir });
}

describe('commands through the running server', () => {
  it('exports one Parquet file per UTC day in the range', async () => {
    const out = path.join(dir, 'lake');
    const r = await cli(
      'export',
      '--parquet',
      out,
      '--from',
      '2026-11-18',
      '--to',
      '2026-11-20T12:00:00Z',
      '--json',
    );
    expect(r.err).toBe('');
    const result = JSON.parse(r.out) as {
      rows: number;
      files: { date: string; path: string; rows: number }[];
    };
    expect(result.files.map((f) => [f.date, f.rows])).toEqual([
      ['2026-11-18', 1],
      ['2026-11-19', 1],
      ['2026-11-20', 1],
    ]);
    expect(result.rows).toBe(3);
    // The file holds the `flows` view's columns, types and values, as a local export writes them.
    const file = path.join(out, 'date=2026-11-19', 'flows.parquet');
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    const types = async (sql: string) =>
      (await server.deps.flows.all(`DESCRIBE ${sql}`)).map((c) => [c['column_name'], c['column_type']]);
    const parquetTypes = (
      await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}', hive_partitioning = false)`)
    )
      .getRowObjectsJS()
      .map((c) => [c['column_name'], c['column_type']]);
    expect(parquetTypes).toEqual(
      await types(`SELECT ${FLOWS_VIEW_COLUMNS.map((c) => `"${c}"`).join(', ')} FROM flows`),
    );
    const row = (
      await db.runAndReadAll(
        `SELECT src_ip, dst_port, bytes, epoch(time) AS t FROM read_parquet('${file}', hive_partitioning = false)`,
      )
    ).getRowObjectsJS();
    expect(row).toEqual([{ src_ip: '203.0.113.11', dst_port: 5432, bytes: 800n, t: END - 86400 }]);
    db.closeSync();

    const csv = await runningServer(path.join(dir, 'data'))!.send(
      'GET',
      '/api/v1/export/flows?format=csv&from=2026-11-19&to=2026-11-20',
    );
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe(FLOWS_VIEW_COLUMNS.join(','));
    expect(lines.slice(1)).toHaveLength(1);
    expect(lines[1]).toContain(',203.0.113.11,51000,10.0.1.5,5432,6,10,800,accept,');
    const bad = await cli('export', '--parquet', out, '--from', 'yesterday');
    expect(bad.code).toBe(2);
  });

  it('writes the report the server renders', async () => {
    const file = path.join(dir, 'report.json');
    const r = await cli(
      'report',
      '--format',
      'json',
      '--from',
      '2026-11-10',
      '--to',
      '2026-11-20',
      '--out',
      file,
    );
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(`wrote ${file} (json, en,`);
    expect(r.err).toContain(server.url);
    const report = JSON.parse(readFileSync(file, 'utf8')) as { period: { from: string }; coverage: unknown };
    expect(report.period.from).toBe('2026-11-10T00:00:00.000Z');
    const html = await cli('report', '--lang', 'ja');
    expect(html.out).toContain('<html');
    const wrong = await cli('report', '--from', 'last week');
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain("'last week' is not a date");
  });

  it('records an audit joined with the flows the server holds', async () => {
    const r = await cli('audit', COMPOSE, '--record', '--format', 'json');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('(through http://127.0.0.1:');
    expect(r.err).toContain('1 new');
    const printed = JSON.parse(r.out) as { traffic?: { flows: number } };
    expect(printed.traffic?.flows).toBe(10);
    const posture = (await server.deps.findings.list()).filter(
      (f) => f.type === 'Policy:Host/ExposedSensitivePort',
    );
    expect(posture.map((f) => f.resource.ip)).toEqual([HOST]);
    const stored = await latestPostureReport((sql, params) => server.deps.flows.all(sql, params));
    expect(stored?.report).toMatchObject({ traffic: { flows: 10 } });
    const audit = await server.deps.auth.auditLog(20);
    expect(audit.map((e) => e.action)).toContain('posture.record');
  });
});
