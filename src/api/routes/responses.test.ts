// The response routes on a real server: a finding under an approve policy waits; an analyst
// lists it and approves it (the webhook responder receives the block); undo lifts it; viewers
// may not; a server without response configured says so.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeFinding } from '../../alerts/test-findings.ts';
import { defaultConfig } from '../../config/schema.ts';
import { manualClock } from '../../core/clock.ts';
import { respondSchema } from '../../respond/config.ts';
import { startServer, type RunningServer } from '../../server/serve.ts';
import { startHttpReceiver } from '../../sinks/test-receivers.ts';
import { ROLES, type Role } from '../permissions.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function serve(respond: unknown): Promise<{ server: RunningServer; tokens: Record<Role, string> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sg-responses-api-'));
  dirs.push(dataDir);
  const config = defaultConfig();
  config.server.port = 0;
  config.respond = respondSchema.parse(respond);
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
    tokens[role] = String(((await r.json()) as { token: string }).token);
  }
  return { server, tokens };
}

async function call(
  server: RunningServer,
  method: string,
  p: string,
  token: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${server.url}${p}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
    },
    ...(method === 'POST' ? { body: '{}' } : {}),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe('/api/v1/responses', () => {
  it('lists a pending action, approves it (the responder acts) and undoes it, recording the user', async () => {
    const rx = await startHttpReceiver();
    const { server, tokens } = await serve({
      responders: [{ kind: 'webhook', name: 'soar', url: rx.url, secret: 'x'.repeat(20) }],
      policies: [{ name: 'p', responders: ['soar'], mode: 'approve' }],
    });
    try {
      await server.deps.findingEvents.publish(
        makeFinding({ id: 'f-api', severity: 8, actor: { ip: '203.0.113.8', port: null } }),
        'new',
      );
      const list = await call(server, 'GET', '/api/v1/responses?status=pending-approval', tokens.analyst);
      expect(list.status).toBe(200);
      const items = list.body.items as { id: string; ip: string; status: string }[];
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ ip: '203.0.113.8', status: 'pending-approval' });
      const id = items[0]!.id;
      const ofFinding = await call(server, 'GET', '/api/v1/responses?findingId=f-api', tokens.analyst);
      expect((ofFinding.body.items as { id: string }[]).map((a) => a.id)).toEqual([id]);
      const ofOther = await call(server, 'GET', '/api/v1/responses?findingId=f-other', tokens.analyst);
      expect(ofOther.body.items).toEqual([]);
      expect((await call(server, 'POST', `/api/v1/responses/${id}/approve`, tokens.viewer)).status).toBe(403);
      expect(rx.requests).toHaveLength(0);
      const approved = await call(server, 'POST', `/api/v1/responses/${id}/approve`, tokens.analyst);
      expect(approved).toMatchObject({ status: 200, body: { status: 'applied' } });
      expect(JSON.parse(rx.requests[0]!.body)).toMatchObject({ action: 'block', ip: '203.0.113.8' });
      const undone = await call(server, 'POST', `/api/v1/responses/${id}/undo`, tokens.admin);
      expect(undone).toMatchObject({ status: 200, body: { status: 'undone' } });
      expect(JSON.parse(rx.requests[1]!.body)).toMatchObject({ action: 'unblock' });
      const again = await call(server, 'POST', `/api/v1/responses/${id}/undo`, tokens.admin);
      expect(again.status).toBe(400);
      expect(String(again.body.error)).toMatch(/nothing to undo/);
    } finally {
      await server.close();
      await rx.stop();
    }
  }, 30_000);

  it('answers 409 with a hint when response is not configured', async () => {
    const { server, tokens } = await serve({});
    try {
      const r = await call(server, 'GET', '/api/v1/responses', tokens.admin);
      expect(r.status).toBe(409);
      expect(String(r.body.hint)).toMatch(/respond.policies/);
    } finally {
      await server.close();
    }
  }, 30_000);
});
