import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { makeFinding } from '../alerts/test-findings.ts';
import { manualClock } from '../core/clock.ts';
import { createListIntel, noAssets, noIntel, type AssetLookup } from '../engine/lookups.ts';
import { type HttpReceiver, startHttpReceiver } from '../sinks/test-receivers.ts';
import { verifyWebhook } from '../sinks/webhook.ts';
import { type RespondConfig, respondSchema } from './config.ts';
import { createResponseService, type ResponseService } from './service.ts';
import { createResponseStore, type ResponseStore } from './store.ts';
import { createWebhookResponder } from './webhook.ts';

const SECRET = 'respond-secret-0123456789';
let receiver: HttpReceiver | null = null;
afterEach(async () => {
  await receiver?.stop();
  receiver = null;
});

async function setup(
  respond: Record<string, unknown>,
  opts: { assets?: AssetLookup; trusted?: string[] } = {},
): Promise<{
  svc: ResponseService;
  store: ResponseStore;
  rx: HttpReceiver;
  clock: ReturnType<typeof manualClock>;
  config: RespondConfig;
}> {
  const rx = await startHttpReceiver();
  receiver = rx;
  const clock = manualClock(Date.UTC(2026, 10, 23, 12));
  const config = respondSchema.parse({
    responders: [{ kind: 'webhook', name: 'soc', url: rx.url, secret: SECRET }],
    ...respond,
  });
  const store = await createResponseStore(await (await DuckDBInstance.create(':memory:')).connect());
  let n = 0;
  const svc = createResponseService({
    config,
    responders: [createWebhookResponder(config.responders[0] as never, clock)],
    store,
    clock,
    assets: opts.assets ?? noAssets,
    intel: opts.trusted ? createListIntel([], opts.trusted) : noIntel,
    newId: () => `ra-${++n}`,
  });
  return { svc, store, rx, clock, config };
}

const high = makeFinding({ id: 'f-high', severity: 8, actor: { ip: '203.0.113.9', port: null } });

describe('response service', () => {
  it('defaults to dry-run: records what would happen and does nothing', async () => {
    const { svc, store, rx } = await setup({ policies: [{ name: 'block-high', responders: ['soc'] }] });
    const [a] = await svc.onFinding(high);
    expect(a).toMatchObject({ status: 'dry-run', mode: 'dry-run', ip: '203.0.113.9', policy: 'block-high' });
    expect(a!.description).toMatch(/POST a signed "block 203.0.113.9"/);
    expect(rx.requests).toHaveLength(0);
    expect(await store.events('ra-1')).toEqual([expect.objectContaining({ event: 'dry-run', by: 'policy' })]);
  });

  it('approve mode waits for a person; approve applies, undo reverses; both audited', async () => {
    const { svc, store, rx, clock } = await setup({
      policies: [{ name: 'p', responders: ['soc'], mode: 'approve' }],
    });
    const [a] = await svc.onFinding(high);
    expect(a!.status).toBe('pending-approval');
    expect(rx.requests).toHaveLength(0);
    clock.advance(60_000);
    expect(await svc.approve('ra-1', 'alice')).toMatchObject({ status: 'applied' });
    expect(rx.requests).toHaveLength(1);
    const body = JSON.parse(rx.requests[0]!.body) as Record<string, unknown>;
    expect(body).toMatchObject({ action: 'block', ip: '203.0.113.9', findingId: 'f-high', actionId: 'ra-1' });
    const h = rx.requests[0]!.headers;
    expect(
      verifyWebhook(
        SECRET,
        {
          timestamp: h['x-sakura-guard-timestamp'] as string,
          signature: h['x-sakura-guard-signature'] as string,
        },
        rx.requests[0]!.body,
        clock.now() / 1000,
      ),
    ).toBe(true);
    expect(await svc.undo('ra-1', 'bob')).toMatchObject({ status: 'undone' });
    expect(JSON.parse(rx.requests[1]!.body)).toMatchObject({ action: 'unblock', ip: '203.0.113.9' });
    expect((await store.events('ra-1')).map((e) => `${e.event} ${e.by}`)).toEqual([
      'pending-approval policy',
      'applied approved by alice',
      'undone bob',
    ]);
    await expect(svc.undo('ra-1', 'bob')).rejects.toThrow(/undone; there is nothing to undo/);
    await expect(svc.approve('ra-9', 'bob')).rejects.toThrow(/no response action ra-9/);
  });

  it('automatic mode acts at once, never twice on one address, and the sweep lifts it at expiry', async () => {
    const { svc, store, rx, clock } = await setup({
      policies: [
        { name: 'p', responders: ['soc'], mode: 'automatic', durationSeconds: 600, types: ['Recon:*'] },
      ],
    });
    expect((await svc.onFinding(high))[0]).toMatchObject({ status: 'applied' });
    expect(await svc.onFinding({ ...high, id: 'f-other' })).toEqual([]);
    expect(
      await svc.onFinding({ ...high, type: 'Backdoor:X', actor: { ip: '203.0.113.10', port: null } }),
    ).toEqual([]);
    expect(await svc.onFinding({ ...high, severity: 5, actor: { ip: '203.0.113.11', port: null } })).toEqual(
      [],
    );
    clock.advance(599_000);
    expect(await svc.sweep()).toBe(0);
    clock.advance(1_000);
    expect(await svc.sweep()).toBe(1);
    expect(rx.requests.map((r) => (JSON.parse(r.body) as { action: string }).action)).toEqual([
      'block',
      'unblock',
    ]);
    expect((await store.get('ra-1'))!.status).toBe('expired');
  });

  it('never acts on private, trusted, allow-listed or own addresses, and says why', async () => {
    const own: AssetLookup = {
      lookup: (v4) => (v4 === 0xcb007101 ? { name: 'web-1', tags: [], owner: null } : null),
    };
    const { svc, rx } = await setup(
      {
        policies: [{ name: 'p', responders: ['soc'], mode: 'automatic' }],
        protect: { allowList: ['198.51.100.0/24'] },
      },
      { assets: own, trusted: ['192.0.2.7'] },
    );
    const reasons: string[] = [];
    for (const ip of ['10.1.2.3', '192.0.2.7', '198.51.100.20', '203.0.113.1'])
      for (const a of await svc.onFinding({ ...high, actor: { ip, port: null } }))
        reasons.push(`${a.status}: ${a.error}`);
    expect(reasons).toEqual([
      'refused: 10.1.2.3 is a private or non-global address (respond.protect.privateRanges)',
      'refused: 192.0.2.7 is on a trusted list',
      'refused: 198.51.100.20 is on respond.protect.allowList (198.51.100.0/24)',
      'refused: 203.0.113.1 is our own asset web-1',
    ]);
    expect(rx.requests).toHaveLength(0);
  });

  it('records a failed action with the error when the responder cannot act', async () => {
    const { svc, rx } = await setup({ policies: [{ name: 'p', responders: ['soc'], mode: 'automatic' }] });
    rx.status = 404;
    const [a] = await svc.onFinding(high);
    expect(a).toMatchObject({ status: 'failed' });
    expect(a!.error).toMatch(/answered 404/);
  });

  it('does not act when our resource is the actor (the remote side is a victim)', async () => {
    const { svc } = await setup({ policies: [{ name: 'p', responders: ['soc'], mode: 'automatic' }] });
    expect(await svc.onFinding({ ...high, role: 'actor' })).toEqual([]);
  });
});

describe('respond configuration', () => {
  it('refuses policies naming unknown responders', () => {
    const r = respondSchema.safeParse({ policies: [{ name: 'p', responders: ['nope'] }] });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(/no responder named nope/);
  });
  it('has dry-run as the default mode and protects private, own and trusted addresses by default', () => {
    expect(respondSchema.parse({})).toMatchObject({
      defaultMode: 'dry-run',
      protect: { privateRanges: true, ownAssets: true, trusted: true, allowList: [] },
    });
  });
});
