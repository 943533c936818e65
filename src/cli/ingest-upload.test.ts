// `ingest` while `serve` holds the store: the files are uploaded and imported by the server.

import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { defaultConfig } from '../config/schema.ts';
import { startServer, type RunningServer } from '../server/serve.ts';
import { openUploadCount } from '../server/upload.ts';
import { withFindingStore } from '../findings/open.ts';
import { runCaptured } from './run-captured.ts';
import { runningServer } from './server-client.ts';

const HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const T0 = Date.parse('2026-11-20T06:00:00Z') / 1000;

/** Rejected probes from one outside address to `count` ports of one host, from `firstPort`. */
function probes(firstPort: number, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) =>
      `2 123456789012 eni-0a 203.0.113.50 10.0.0.5 40000 ${firstPort + i} 6 1 40 ${T0 + i} ${T0 + i + 1} REJECT OK`,
  );
}

let dir: string;
let server: RunningServer;
let maxUploadBytes = 1 << 20;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sg-ingest-upload-'));
  const config = defaultConfig();
  config.server.port = 0;
  config.inputs.http.maxUploadBytes = maxUploadBytes;
  server = await startServer({
    config,
    dataDir: path.join(dir, 'data'),
    clock: manualClock(Date.parse('2026-11-23T00:00:00Z')),
    version: 't',
    logStream: false,
  });
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
  maxUploadBytes = 1 << 20;
});

const cli = (...args: string[]) => runCaptured(['--data-dir', path.join(dir, 'data'), ...args], { cwd: dir });
const at = (name: string): string => path.join(dir, name);

describe('ingest through the running server', () => {
  it('imports plain and gzip files, detects across them, quarantines bad lines with file and line', async () => {
    // Ten ports in each file: only detection over both files together reaches the scan threshold (15).
    writeFileSync(path.join(dir, 'a.log'), [HEADER, ...probes(1000, 10), 'not a flow record'].join('\n'));
    writeFileSync(path.join(dir, 'b.log.gz'), gzipSync([HEADER, ...probes(2000, 10)].join('\n')));
    const r = await cli('ingest', '--json', at('a.log'), at('b.log.gz'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out) as {
      files: number;
      flows: number;
      rejected: number;
      findings: { new: number };
      quarantineFile: string;
    };
    expect(summary).toMatchObject({ files: 2, flows: 20, rejected: 1, findings: { new: 1 } });

    const stored = await server.deps.flows.all('SELECT count(*) AS n FROM flows');
    expect(Number(stored[0]?.n)).toBe(20);
    const findings = await server.deps.findings.list();
    expect(findings.map((f) => f.type)).toEqual(['Recon:Host/Portscan']);

    const quarantined = readdirSync(path.join(dir, 'data', 'quarantine')).map((f) =>
      readFileSync(path.join(dir, 'data', 'quarantine', f), 'utf8'),
    );
    const line = JSON.parse(quarantined.join('').trim()) as { file: string; line: number };
    expect(line).toMatchObject({ file: at('a.log'), line: 12 });
    expect(summary.quarantineFile).toContain(path.join(dir, 'data', 'quarantine'));

    const audit = await server.deps.auth.auditLog(10);
    expect(audit.filter((e) => e.action === 'ingest.upload').map((e) => e.target)).toEqual([
      at('b.log.gz'),
      at('a.log'),
    ]);
  });

  it('stores only with --no-detect, and prints the usual summary', async () => {
    writeFileSync(path.join(dir, 'a.log'), [HEADER, ...probes(1000, 30)].join('\n'));
    const r = await cli('ingest', '--no-detect', at('a.log'));
    expect(r.err).toBe('');
    expect(r.out).toContain('flows stored     30');
    expect(r.out).toContain('detection was off');
    expect(await server.deps.findings.list()).toEqual([]);
    // The OpenAPI document describes the upload's body as bytes.
    const doc = await runningServer(path.join(dir, 'data'))!.request<{
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>;
    }>('GET', '/api/v1/openapi.json');
    const upload = doc.paths['/api/v1/ingest/uploads/{id}/files']?.['post'];
    expect(Object.keys(upload?.requestBody?.content ?? {})).toEqual(['application/octet-stream']);
  });

  it('refuses a file over the upload limit with 413 and the setting to change', async () => {
    const big = [HEADER, ...probes(1, 40).flatMap((l) => Array.from({ length: 500 }, () => l))].join('\n');
    writeFileSync(path.join(dir, 'big.log'), big);
    const r = await cli('ingest', at('big.log'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('the upload is larger than 1048576 bytes');
    expect(r.err).toContain('inputs.http.maxUploadBytes');
    expect(openUploadCount(server.deps)).toBe(0); // finished by the command despite the refusal
    // A stream of unknown size (standard input) is cut at the limit as it arrives.
    const client = runningServer(path.join(dir, 'data'))!;
    const { id } = await client.request<{ id: string }>('POST', '/api/v1/ingest/uploads', { detect: false });
    const sent = client.send('POST', `/api/v1/ingest/uploads/${id}/files?name=stdin`, {
      data: ReadableStream.from([Buffer.from(big)]),
      contentType: 'application/octet-stream',
    });
    await expect(sent).rejects.toThrow('the upload is larger than 1048576 bytes');
    const stored = await server.deps.flows.all('SELECT count(*) AS n FROM flows');
    expect(Number(stored[0]?.n)).toBeLessThan(20_000);
  });

  it('finishes an upload left open when the server stops: its findings are stored', async () => {
    const client = runningServer(path.join(dir, 'data'))!;
    const { id } = await client.request<{ id: string }>('POST', '/api/v1/ingest/uploads', {});
    await client.send('POST', `/api/v1/ingest/uploads/${id}/files?name=left-open`, {
      data: Buffer.from([HEADER, ...probes(3000, 20)].join('\n')),
      contentType: 'application/octet-stream',
    });
    expect(await server.deps.findings.list()).toEqual([]); // batch mode: at the end of the upload
    await server.close();
    const types = await withFindingStore(path.join(dir, 'data'), { readOnly: true }, async (s) =>
      (await s.list()).map((f) => f.type),
    );
    expect(types).toEqual(['Recon:Host/Portscan']);
  });

  it('refuses --follow, naming the server and what to use instead', async () => {
    writeFileSync(path.join(dir, 'a.log'), HEADER);
    const r = await cli('ingest', '--follow', at('a.log'));
    expect(r.code).toBe(4);
    expect(r.err).toContain('holds it');
    expect(r.err).toContain('sakura-guard agent');
  });
});
