// GET /api/v1/stream over real HTTP: findings the live detection stores arrive as server-sent
// events without polling; heartbeats; a revoked token ends the stream; shutdown ends it too.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchOf } from '../../engine/test-flows.ts';
import { sampleFinding } from '../../findings/store-contract.ts';
import { startTestServer, type TestServer } from '../test-server.ts';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  await t?.close();
});

interface Stream {
  status: number;
  contentType: string | null;
  /** Resolves with everything read once `done(text)` holds, or when the server ends the stream. */
  until(done: (text: string) => boolean): Promise<{ text: string; ended: boolean }>;
  close(): Promise<void>;
}

async function open(token: string | { cookie: string }, query = ''): Promise<Stream> {
  const headers = typeof token === 'string' ? { authorization: `Bearer ${token}` } : { cookie: token.cookie };
  const r = await fetch(`${t.server.url}/api/v1/stream${query}`, { headers });
  const reader = r.body?.getReader();
  const decoder = new TextDecoder();
  let text = '';
  return {
    status: r.status,
    contentType: r.headers.get('content-type'),
    async until(done) {
      while (reader && !done(text)) {
        const chunk = await reader.read();
        if (chunk.done) return { text, ended: true };
        text += decoder.decode(chunk.value, { stream: true });
      }
      return { text, ended: false };
    },
    async close() {
      await reader?.cancel();
    },
  };
}

const events = (text: string): { kind: string; finding: { id: string } }[] =>
  text
    .split('\n\n')
    .filter((block) => block.startsWith('event: finding\n'))
    .map(
      (block) =>
        JSON.parse(block.slice(block.indexOf('data: ') + 6)) as { kind: string; finding: { id: string } },
    );

describe('GET /api/v1/stream', () => {
  it('sends the findings live detection stores, as they are stored', async () => {
    const s = await open(t.tokens.viewer);
    expect(s.status).toBe(200);
    expect(s.contentType).toContain('text/event-stream');
    await s.until((x) => x.includes(': connected'));
    // A vertical port scan: one source, many ports of one host, in a minute.
    const t0 = t.clock.now() / 1000 - 120;
    await t.server.live.pipeline.onFlows(
      batchOf(
        Array.from({ length: 200 }, (_, i) => ({
          t: t0 + i * 0.1,
          src: '198.51.100.66',
          dst: '10.0.0.5',
          sport: 50_000,
          dport: 1 + i,
          action: 'reject' as const,
        })),
      ),
    );
    await t.server.live.pipeline.tick();
    const got = await s.until((x) => events(x).length > 0);
    const first = events(got.text)[0];
    expect(first?.kind).toBe('new');
    expect(first?.finding.id).toBe((await t.server.deps.findings.get(first?.finding.id ?? ''))?.id);
    await s.close();
  });

  it('marks repeats of a stored finding as updates', async () => {
    const s = await open(t.tokens.analyst);
    await s.until((x) => x.includes(': connected'));
    await t.server.deps.findingEvents.publish(sampleFinding({ id: 'x1' }), 'new');
    await t.server.deps.findingEvents.publish(sampleFinding({ id: 'x1', count: 2 }), 'updated');
    await t.server.deps.findingEvents.publish(sampleFinding({ id: 'x1', count: 2 }), 'repeat');
    const got = await s.until((x) => events(x).length >= 3);
    expect(events(got.text).map((e) => [e.finding.id, e.kind])).toEqual([
      ['x1', 'new'],
      ['x1', 'updated'],
      ['x1', 'updated'],
    ]);
    await s.close();
  });

  it('beats, and ends at the next beat once the token is revoked', async () => {
    const created = await t.call('POST', '/api/v1/tokens', 'viewer', { name: 'dashboard' });
    const s = await open(String(created.body['token']), '?heartbeatSeconds=1');
    await s.until((x) => x.includes(': heartbeat'));
    const revoked = await t.call('DELETE', `/api/v1/tokens/${String(created.body['id'])}`, 'viewer');
    expect(revoked.status).toBe(200);
    const after = await s.until(() => false);
    expect(after.ended).toBe(true);
  });

  it('with a session: beats do not keep it alive, and it ends at its idle timeout', async () => {
    const { cookie } = await t.userSession('sally', 'viewer');
    const s = await open({ cookie }, '?heartbeatSeconds=1');
    expect(s.status).toBe(200);
    expect((await s.until((x) => x.includes(': heartbeat'))).ended).toBe(false);
    t.clock.advance(20 * 60_000); // idle timeout is 30 min
    const beats = (x: string): number => x.split(': heartbeat').length - 1;
    const seen = beats((await s.until(() => true)).text);
    expect((await s.until((x) => beats(x) > seen)).ended).toBe(false); // still open after 20 minutes
    t.clock.advance(11 * 60_000); // 31 minutes after sign-in: idle unless the beats touched it
    expect((await s.until(() => false)).ended).toBe(true);
  });

  it('needs credentials', async () => {
    const r = await fetch(`${t.server.url}/api/v1/stream`);
    expect(r.status).toBe(401);
  });

  it('ends open streams when the server shuts down', async () => {
    const s = await open(t.tokens.viewer);
    await s.until((x) => x.includes(': connected'));
    const closing = t.server.close();
    expect((await s.until(() => false)).ended).toBe(true);
    await closing;
  });
});
