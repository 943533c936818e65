// A real `serve` process in a temporary directory and the CLI as separate processes beside it:
// while serve holds the store, ingest uploads, findings and export go through its API; once it
// has stopped, the same commands open the store themselves and see what the server stored.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../sinks/test-receivers.ts';

const RUNNER = path.join(import.meta.dirname, 'process-runner.ts');
const HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const T0 = Date.parse('2026-11-20T06:00:00Z') / 1000;

const probes = (firstPort: number, count: number): string[] =>
  Array.from(
    { length: count },
    (_, i) =>
      `2 123456789012 eni-0a 203.0.113.50 10.0.0.5 40000 ${firstPort + i} 6 1 40 ${T0 + i} ${T0 + i + 1} REJECT OK`,
  );

let dir = '';
let data = '';
let serve: ChildProcess | null = null;
let serveErr = '';

function cli(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUNNER, '--data-dir', data, ...args], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sg-serve-process-'));
  data = path.join(dir, 'data');
  serve = spawn(process.execPath, [RUNNER, '--data-dir', data, 'serve'], {
    cwd: dir,
    env: {
      ...process.env,
      SAKURA_GUARD__SERVER__HOST: '127.0.0.1',
      SAKURA_GUARD__SERVER__PORT: '0',
      SAKURA_GUARD__LOG__LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  serve.stderr?.on('data', (c: Buffer) => (serveErr += c.toString()));
  await waitFor(() => existsSync(path.join(data, 'server.json')) || serve?.exitCode !== null, 6000);
  if (!existsSync(path.join(data, 'server.json'))) throw new Error(`serve did not start: ${serveErr}`);
}, 120_000);

afterAll(async () => {
  if (serve && serve.exitCode === null) {
    const exited = new Promise((r) => serve?.once('exit', r));
    serve.kill('SIGTERM');
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
});

describe('the CLI beside a real serve process', () => {
  it('uploads files, reads findings and exports through the server, then uses the store once it stops', async () => {
    writeFileSync(path.join(dir, 'a.log'), [HEADER, ...probes(1000, 10)].join('\n'));
    writeFileSync(path.join(dir, 'b.log.gz'), gzipSync([HEADER, ...probes(2000, 10)].join('\n')));
    const url = (JSON.parse(readFileSync(path.join(data, 'server.json'), 'utf8')) as { url: string }).url;

    const ingest = await cli('ingest', '--json', path.join(dir, 'a.log'), path.join(dir, 'b.log.gz'));
    expect(ingest.err).toBe('');
    expect(JSON.parse(ingest.out)).toMatchObject({ files: 2, flows: 20, findings: { new: 1 } });
    expect((JSON.parse(ingest.out) as { dataDir: string }).dataDir).toContain(url);

    const listed = await cli('findings', '--json');
    expect(listed.err).toBe('');
    expect((JSON.parse(listed.out) as { type: string }[]).map((f) => f.type)).toEqual([
      'Recon:Host/Portscan',
    ]);

    const exported = await cli('export', '--parquet', path.join(dir, 'lake'));
    expect(exported.err).toBe('');
    expect(exported.out).toContain('exported 20 flows into 1 file(s)');
    expect(existsSync(path.join(dir, 'lake', 'date=2026-11-20', 'flows.parquet'))).toBe(true);

    const exited = new Promise((r) => serve?.once('exit', r));
    serve?.kill('SIGTERM');
    await exited;
    expect(existsSync(path.join(data, 'server.json'))).toBe(false);
    const direct = await cli('findings', '--json');
    expect(direct.err).toBe('');
    expect((JSON.parse(direct.out) as { type: string }[]).map((f) => f.type)).toEqual([
      'Recon:Host/Portscan',
    ]);
  }, 180_000);
});
