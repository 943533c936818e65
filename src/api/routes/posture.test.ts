// GET /api/v1/posture over real HTTP: the report `audit --record` stored in the data directory,
// for every role and without credentials; null before anything was recorded.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPaths } from '../../audit/audit.ts';
import { savePostureReport } from '../../audit/record.ts';
import { defaultConfig } from '../../config/schema.ts';
import { manualClock } from '../../core/clock.ts';
import { startServer, type RunningServer } from '../../server/serve.ts';
import { openDuckDbStore } from '../../store/duckdb.ts';
import { ROLES, type Role } from '../permissions.ts';

const TESTDATA = path.resolve(import.meta.dirname, '../../audit/testdata');
const RECORDED_AT = Date.parse('2026-11-23T11:00:00Z');
const dirs: string[] = [];

async function serve(dataDir: string): Promise<{ server: RunningServer; tokens: Record<Role, string> }> {
  const config = defaultConfig();
  config.server.port = 0;
  let bootstrap = '';
  const server = await startServer({
    config,
    dataDir,
    clock: manualClock(Date.parse('2026-11-23T12:00:00Z')),
    version: 'test',
    logStream: false,
    onBootstrapToken: (t) => {
      bootstrap = t;
    },
  });
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    const r = await fetch(`${server.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bootstrap}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `${role} token`, role }),
    });
    expect(r.status).toBe(201);
    tokens[role] = String(((await r.json()) as { token: string }).token);
  }
  return { server, tokens };
}

async function getPosture(server: RunningServer, token?: string): Promise<{ status: number; body: unknown }> {
  const r = await fetch(`${server.url}/api/v1/posture`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: r.status, body: (await r.json()) as unknown };
}

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'sg-posture-api-'));
  dirs.push(d);
  return d;
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('GET /api/v1/posture', () => {
  let recorded: { server: RunningServer; tokens: Record<Role, string> };

  beforeAll(async () => {
    const dataDir = tempDir();
    const store = await openDuckDbStore(dataDir);
    try {
      const old = await auditPaths([path.join(TESTDATA, 'compose/case15.yml')], { baseDir: TESTDATA });
      await savePostureReport(store.connection, old, RECORDED_AT - 3_600_000);
      const latest = await auditPaths([path.join(TESTDATA, 'compose/case14.yml')], { baseDir: TESTDATA });
      await savePostureReport(store.connection, latest, RECORDED_AT);
    } finally {
      await store.close();
    }
    recorded = await serve(dataDir);
  });

  afterAll(async () => {
    await recorded.server.close();
  });

  it('every role reads the latest recorded report; no credentials is 401', async () => {
    for (const role of ROLES) {
      const r = await getPosture(recorded.server, recorded.tokens[role]);
      expect(r.status, role).toBe(200);
      const body = r.body as {
        recordedAt: string;
        report: { files: { file: string }[]; findings: { checkId: string; fingerprint: string }[] };
      };
      expect(body.recordedAt).toBe(new Date(RECORDED_AT).toISOString());
      expect(body.report.files.map((f) => f.file)).toEqual(['compose/case14.yml']);
      expect(body.report.findings.map((f) => f.checkId)).toEqual(['COMPOSE-DATABASE-PORT-PUBLISHED']);
      expect(body.report.findings[0]?.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    }
    expect((await getPosture(recorded.server)).status).toBe(401);
  });

  it('answers null before any audit was recorded', async () => {
    const empty = await serve(tempDir());
    try {
      const r = await getPosture(empty.server, empty.tokens.viewer);
      expect(r).toEqual({ status: 200, body: { recordedAt: null, report: null } });
    } finally {
      await empty.server.close();
    }
  });
});
