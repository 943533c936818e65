// While `serve` holds the store, findings, suppress and query go through its API.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFinding } from '../alerts/test-findings.ts';
import { manualClock } from '../core/clock.ts';
import { defaultConfig } from '../config/schema.ts';
import { startServer, type RunningServer } from '../server/serve.ts';
import { runCaptured } from './run-captured.ts';

let dir: string;
let server: RunningServer;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sg-cli-server-'));
  const config = defaultConfig();
  config.server.port = 0;
  server = await startServer({
    config,
    dataDir: path.join(dir, 'data'),
    clock: manualClock(Date.parse('2026-11-23T00:00:00Z')),
    version: 't',
    logStream: false,
  });
  await server.deps.findings.put(
    makeFinding({
      id: 'f-scan',
      type: 'Recon:Host/Portscan',
      severity: 2,
      actor: { ip: '203.0.113.9', port: null },
    }),
  );
  await server.deps.findings.put(
    makeFinding({ id: 'f-ssh', type: 'UnauthorizedAccess:Host/SSHBruteForce', severity: 8 }),
  );
  await server.deps.findings.flush();
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCaptured(['--data-dir', path.join(dir, 'data'), ...args], { cwd: dir });

describe('CLI through the running server', () => {
  it('lists, shows and archives findings', async () => {
    const list = await cli('findings', '--json');
    expect(list.err).toBe('');
    expect((JSON.parse(list.out) as { id: string }[]).map((f) => f.id).sort()).toEqual(['f-scan', 'f-ssh']);
    const high = await cli('findings', '--min-severity', '7');
    expect(high.code).toBe(1);
    expect(high.out).toContain('f-ssh');
    expect(high.out).not.toContain('f-scan');
    expect((await cli('findings', 'show', 'f-ssh')).out).toContain('id          f-ssh');
    const missing = await cli('findings', 'show', 'nope');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no finding with id nope');
    expect((await cli('findings', 'archive', 'f-scan')).out).toBe('archived f-scan\n');
    expect((await server.deps.findings.get('f-scan'))?.status).toBe('archived');
  });

  it('previews, adds, lists and removes a suppression rule', async () => {
    const preview = await cli('suppress', 'add', '--type', 'Recon:*', '--preview');
    expect(preview.out).toMatch(/^1 active finding\(s\) match/);
    const add = await cli('suppress', 'add', '--type', 'Recon:*', '--reason', 'scanners', '--expires', '7d');
    expect(add.err).toBe('');
    expect(add.out).toContain('archived 1 existing finding(s)');
    const rules = JSON.parse((await cli('suppress', 'list', '--json')).out) as {
      id: string;
      reason: string;
    }[];
    expect(rules.map((r) => r.reason)).toEqual(['scanners']);
    const removed = await cli('suppress', 'remove', rules[0]!.id);
    expect(removed.out).toContain('1 finding(s) active again');
  });

  it('asks the running server about response actions, which says response is not configured', async () => {
    for (const args of [
      ['respond', 'list'],
      ['respond', 'approve', 'no-such-action'],
    ]) {
      const r = await cli(...args);
      expect(r.code).toBe(2);
      expect(r.err).toContain('the server refused: automated response is not configured on this server');
      expect(r.err).toContain('respond.policies');
    }
  });

  it('answers stats from the running server', async () => {
    const r = await cli('stats', '--json');
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toMatchObject({ flows: 0, gaps: {}, firstTime: null });
    expect((await cli('stats')).out).toContain('flows           0');
  });

  it('runs queries in the server sandbox, and refuses writes', async () => {
    const q = await cli('query', '--json', 'SELECT 40 + 2 AS answer');
    expect(q.err).toBe('');
    expect(JSON.parse(q.out)).toEqual([{ answer: 42 }]);
    const w = await cli('query', 'DELETE FROM flow_rows');
    expect(w.code).toBe(2);
    expect(w.err).toContain('the server refused');
  });
});
