import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCaptured } from '../run-captured.ts';

const EXAMPLE = path.join(import.meta.dirname, '../../../sakura-guard.example.yaml');
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sg-config-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(
  env: NodeJS.ProcessEnv,
  ...args: string[]
): Promise<{ code: number; out: string; err: string }> {
  return runCaptured(args, { env, cwd: dir });
}

describe('sakura-guard config check', () => {
  it('accepts the example and prints the effective configuration with overrides', async () => {
    const r = await cli({ SAKURA_GUARD__SERVER__PORT: '9443' }, 'config', 'check', EXAMPLE, '--print');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${EXAMPLE}: valid`);
    expect(r.out).toMatch(/port: 9443/);
  });

  it('lists every problem with its path and exits 2', async () => {
    const file = path.join(dir, 'bad.yaml');
    await writeFile(file, 'server:\n  port: high\nauth:\n  lockoutMinutes: 0\nsurprise: 1\n');
    const r = await cli({}, 'config', 'check', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain('server.port:');
    expect(r.err).toContain('auth.lockoutMinutes:');
    expect(r.err).toContain('surprise');
    expect(r.err).toContain('hint:');
  });

  it('looks for ./sakura-guard.yaml by default', async () => {
    const r = await cli({}, 'config', 'check');
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot read the configuration sakura-guard.yaml');
  });
});
