import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.ts';
import { defaultConfig } from '../../config/schema.ts';
import { startServer } from '../../server/serve.ts';
import { runCaptured } from '../run-captured.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sg-users-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(
  env: NodeJS.ProcessEnv,
  ...args: string[]
): Promise<{ code: number; out: string; err: string }> {
  return runCaptured(['--data-dir', path.join(dir, 'data'), ...args], { env, cwd: dir });
}

const PW = { SAKURA_GUARD_PASSWORD: 'a-long-enough-password' };

describe('sakura-guard users', () => {
  it('adds the first admin to the store and lists users', async () => {
    const add = await cli(PW, 'users', 'add', 'root', '--role', 'admin');
    expect(add.err).toBe('');
    expect(add.out).toBe('added root (admin)\n');
    expect((await cli(PW, 'users', 'add', 'root', '--role', 'viewer')).err).toContain('user root exists');
    expect((await cli({}, 'users', 'list')).out).toBe('root\tadmin\n');
  });

  it('refuses short passwords, unknown roles and bad names', async () => {
    expect(
      (await cli({ SAKURA_GUARD_PASSWORD: 'short' }, 'users', 'add', 'x', '--role', 'viewer')).err,
    ).toContain('at least 12');
    expect((await cli(PW, 'users', 'add', 'x', '--role', 'root')).code).toBe(2);
    expect((await cli(PW, 'users', 'add', 'a b', '--role', 'viewer')).err).toContain('invalid user name');
  });

  it('goes through the running server when serve holds the store', async () => {
    const config = defaultConfig();
    config.server.port = 0;
    const server = await startServer({
      config,
      dataDir: path.join(dir, 'data'),
      clock: manualClock(Date.parse('2026-11-23T00:00:00Z')),
      version: 't',
      logStream: false,
    });
    try {
      const add = await cli(PW, 'users', 'add', 'ops', '--role', 'analyst');
      expect(add.out).toBe('added ops (analyst) through the running server\n');
      expect((await server.deps.auth.getUser('ops'))?.role).toBe('analyst');
      expect((await cli({}, 'users', 'list')).out).toBe('ops\tanalyst\n');
    } finally {
      await server.close();
    }
  });
});
