import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../core/errors.ts';
import { SakuraApiError, createSakuraClient } from './client.ts';
import { sakuraConfigSchema } from './config.ts';
import { resolveSakuraSettings, type SakuraSettings } from './settings.ts';
import { DOUBLE_SECRET, DOUBLE_TOKEN, type SakuraDouble, startSakuraDouble } from './testdata/double.ts';
import { fixtureZones } from './testdata/fixture.ts';

const defaults = sakuraConfigSchema.parse({});

let double: SakuraDouble | null = null;
afterEach(async () => {
  await double?.close();
  double = null;
});

function virtualTime(): { now: () => number; sleep: (ms: number) => Promise<void>; sleeps: number[] } {
  let t = 1_000_000;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: (ms) => {
      sleeps.push(ms);
      t += ms;
      return Promise.resolve();
    },
    sleeps,
  };
}

function settingsFor(d: SakuraDouble, secret = DOUBLE_SECRET): SakuraSettings {
  return {
    accessToken: DOUBLE_TOKEN,
    accessTokenSecret: secret,
    zones: ['is1a', 'tk1a'],
    apiRootUrl: d.rootUrl,
    origin: 'test',
  };
}

describe('resolveSakuraSettings', () => {
  it('takes the official environment variables, SAKURA_* before SAKURACLOUD_*', () => {
    const s = resolveSakuraSettings(defaults, {
      HOME: '/nonexistent',
      SAKURA_ACCESS_TOKEN: 'tok-a',
      SAKURACLOUD_ACCESS_TOKEN: 'tok-b',
      SAKURACLOUD_ACCESS_TOKEN_SECRET: 'sec-b',
      SAKURACLOUD_ZONE: 'tk1a',
      SAKURACLOUD_API_ROOT_URL: 'http://127.0.0.1:9/cloud/zone/',
    });
    expect(s).toMatchObject({ accessToken: 'tok-a', accessTokenSecret: 'sec-b', zones: ['tk1a'] });
    expect(s.apiRootUrl).toBe('http://127.0.0.1:9/cloud/zone');
  });

  it('reads a usacloud profile (current or named) and lets the environment override it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sg-profile-'));
    await mkdir(path.join(dir, '.usacloud', 'work'), { recursive: true });
    await writeFile(path.join(dir, '.usacloud', 'current'), 'work\n');
    await writeFile(
      path.join(dir, '.usacloud', 'work', 'config.json'),
      JSON.stringify({ AccessToken: 'p-tok', AccessTokenSecret: 'p-sec', Zones: ['is1a', 'is1b'] }),
    );
    const s = resolveSakuraSettings(defaults, { SAKURA_PROFILE_DIR: dir });
    expect(s).toMatchObject({ accessToken: 'p-tok', accessTokenSecret: 'p-sec', zones: ['is1a', 'is1b'] });
    expect(s.apiRootUrl).toBe('https://secure.sakura.ad.jp/cloud/zone');
    const o = resolveSakuraSettings(defaults, {
      SAKURA_PROFILE_DIR: dir,
      SAKURA_ACCESS_TOKEN: 'e-tok',
      SAKURA_ZONE: 'tk1b',
    });
    expect(o).toMatchObject({ accessToken: 'e-tok', accessTokenSecret: 'p-sec', zones: ['tk1b'] });
    expect(() =>
      resolveSakuraSettings({ ...defaults, profile: 'absent' }, { SAKURA_PROFILE_DIR: dir }),
    ).toThrow(/profile absent was not found/);
  });

  it('never quotes a broken profile file (it may hold the secret)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sg-profile-'));
    await mkdir(path.join(dir, '.usacloud', 'default'), { recursive: true });
    await writeFile(
      path.join(dir, '.usacloud', 'default', 'config.json'),
      '{"AccessToken": "tok", "AccessTokenSecret": "very-secret-value" oops}',
    );
    const err = ((): unknown => {
      try {
        return resolveSakuraSettings(defaults, { SAKURA_PROFILE_DIR: dir });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UserError);
    expect(String(err)).toMatch(/is not valid JSON/);
    expect(`${String(err)} ${(err as UserError).hint ?? ''}`).not.toContain('very-secret');
  });

  it('says what to set when no key is found', () => {
    const run = (): SakuraSettings => resolveSakuraSettings(defaults, { SAKURA_PROFILE_DIR: '/nonexistent' });
    expect(run).toThrow(UserError);
    expect(run).toThrow(/no Sakura Cloud API key/);
  });
});

describe('createSakuraClient against the double', () => {
  it('sends Basic auth and the official headers, pages through collections', async () => {
    double = await startSakuraDouble(fixtureZones());
    const t = virtualTime();
    const client = createSakuraClient({
      settings: settingsFor(double),
      rateLimitPerSecond: 5,
      retryMax: 3,
      timeoutMs: 5000,
      ...t,
    });
    const servers = await client.findAll<{ Name: string }>('is1a', 'server', 'Servers');
    expect(servers).toHaveLength(35);
    expect(double.requests.every((r) => r.authorized)).toBe(true);
    expect(double.requests[0]!.query).toMatchObject({ From: 0, Count: 100 });
  });

  it('retries 503 and 423 with back-off, then succeeds; keeps to 5 requests per second', async () => {
    double = await startSakuraDouble(fixtureZones());
    double.failNext.push(503, 423);
    const t = virtualTime();
    const starts: number[] = [];
    const client = createSakuraClient({
      settings: settingsFor(double),
      rateLimitPerSecond: 5,
      retryMax: 3,
      timeoutMs: 5000,
      now: () => {
        starts.push(t.now());
        return t.now();
      },
      sleep: t.sleep,
    });
    const pf = await client.request<{ PacketFilter: { Name: string } }>(
      'GET',
      'is1a',
      'packetfilter/113000000001',
    );
    expect(pf.PacketFilter.Name).toBe('pf-open');
    expect(double.requests).toHaveLength(3);
    expect(t.sleeps).toEqual([1000, 2000]);
    for (let i = 0; i < 10; i++) await client.request('GET', 'is1a', 'packetfilter/113000000002');
    // The limiter's granted start times (virtual): never two within 200 ms.
    const granted: number[] = [];
    let prev = -Infinity;
    const t2 = virtualTime();
    const limited = createSakuraClient({
      settings: settingsFor(double),
      rateLimitPerSecond: 5,
      retryMax: 0,
      timeoutMs: 5000,
      now: t2.now,
      sleep: async (ms) => {
        await t2.sleep(ms);
      },
      log: () => {
        granted.push(t2.now());
      },
    });
    for (let i = 0; i < 10; i++) await limited.request('GET', 'is1a', 'packetfilter/113000000002');
    for (const g of granted) {
      expect(g - prev).toBeGreaterThanOrEqual(200);
      prev = g;
    }
    expect(granted.at(-1)! - granted[0]!).toBe(1800);
  });

  it('gives up after retryMax and reports the documented error body', async () => {
    double = await startSakuraDouble(fixtureZones());
    double.failNext.push(503, 503, 503);
    const t = virtualTime();
    const client = createSakuraClient({
      settings: settingsFor(double),
      rateLimitPerSecond: 5,
      retryMax: 2,
      timeoutMs: 5000,
      ...t,
    });
    await expect(client.request('GET', 'is1a', 'server')).rejects.toThrow(
      /answered 503 busy: try again later/,
    );
    expect(double.requests).toHaveLength(3);
  });

  it('never puts the token or secret in logs or errors', async () => {
    double = await startSakuraDouble(fixtureZones());
    const lines: string[] = [];
    const t = virtualTime();
    const client = createSakuraClient({
      settings: settingsFor(double, 'a-wrong-secret-value'),
      rateLimitPerSecond: 5,
      retryMax: 0,
      timeoutMs: 5000,
      log: (l) => lines.push(l),
      ...t,
    });
    const err = await client.request('GET', 'is1a', 'server').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SakuraApiError);
    const text = `${String(err)} ${JSON.stringify(err)} ${(err as Error).stack ?? ''} ${lines.join('\n')}`;
    expect(text).toMatch(/401 unauthorized/);
    for (const secret of [
      DOUBLE_TOKEN,
      'a-wrong-secret-value',
      Buffer.from(`${DOUBLE_TOKEN}:a-wrong-secret-value`).toString('base64'),
    ])
      expect(text).not.toContain(secret);
    expect(lines).toEqual(['sakura api GET /is1a/api/cloud/1.1/server -> 401 (attempt 1)']);
  });
});
