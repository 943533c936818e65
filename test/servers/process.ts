// Shared pieces of the test servers: free loopback ports, a temp directory, a child process
// that is stopped (SIGTERM, then SIGKILL) and waited for, and polling until a server answers.

import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** When set to 1, a missing server binary fails the test instead of skipping it (CI sets it). */
export const REQUIRE_SERVERS = process.env.SAKURA_GUARD_REQUIRE_SERVERS === '1';

/** The first of `paths` that exists, or null. */
export function findBinary(paths: readonly string[]): string | null {
  return paths.find((p) => existsSync(p)) ?? null;
}

/**
 * Why a server test cannot run here (a message naming the missing binary), or null when it can.
 * With SAKURA_GUARD_REQUIRE_SERVERS=1 a missing binary throws instead.
 */
export function missingBinaries(needs: Record<string, string | null>): string | null {
  const missing = Object.entries(needs)
    .filter(([, path]) => path === null)
    .map(([name]) => name);
  if (missing.length === 0) return null;
  const message = `skipped: ${missing.join(', ')} not installed (apt-get install nats-server clickhouse-server postgresql)`;
  if (REQUIRE_SERVERS) throw new Error(`SAKURA_GUARD_REQUIRE_SERVERS=1 but ${message}`);
  return message;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A started child process with its output kept for error messages. */
export interface Child {
  readonly process: ChildProcess;
  output(): string;
  /** `signal` (SIGTERM by default), then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number, signal?: NodeJS.Signals): Promise<void>;
}

export function startChild(command: string, args: readonly string[], options: SpawnOptions = {}): Child {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let output = '';
  const keep = (d: Buffer): void => {
    output = (output + d.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    process: child,
    output: () => output,
    async stop(graceMs = 5000, signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Calls `probe` until it returns true; throws with `describe()` after `timeoutMs`. */
export async function waitFor(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  describe: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start in ${timeoutMs} ms: ${describe()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
