// A real `sakura-guard serve` in a child process over a data directory, for the crash harness and
// the soak: started from the TypeScript sources (Node runs them directly), found through the
// server.json it publishes, killed with SIGKILL or stopped with SIGTERM. Its output goes to a
// file in the data directory's parent (it holds the bootstrap token: never printed).

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import path from 'node:path';
import { findRunningServer } from './discovery.ts';

const MAIN = path.resolve(import.meta.dirname, '../cli/main.ts');

export interface ServeChild {
  readonly url: string;
  /** The local admin token the server wrote to DATA_DIR/server.token. */
  readonly token: string;
  readonly pid: number;
  /** Kills with SIGKILL and waits for the exit. */
  kill9(): Promise<void>;
  /** Stops with SIGTERM (a clean shutdown) and returns the exit code. */
  stop(): Promise<number | null>;
  /** Resident memory of the server process in bytes (Linux /proc). */
  rssBytes(): number;
}

/** Writes a configuration for a loopback server with a NetFlow listener on `netflowPort`. */
export function writeServeConfig(file: string, dataDir: string, netflowPort: number): void {
  writeFileSync(
    file,
    [
      `dataDir: ${dataDir}`,
      'server:',
      '  host: 127.0.0.1',
      '  port: 0',
      '  rateLimitPerMinute: 1000000',
      'log:',
      '  level: warn',
      'inputs:',
      '  netflow:',
      '    enabled: true',
      '    listen:',
      `      - { host: 127.0.0.1, port: ${netflowPort} }`,
      '',
    ].join('\n'),
  );
}

export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));

/** Starts `serve --config configFile` and waits (at most `timeoutMs`) until it answers. */
export async function startServeChild(
  dataDir: string,
  configFile: string,
  logFile: string,
  timeoutMs = 60_000,
): Promise<ServeChild> {
  const out = openSync(logFile, 'a');
  const script = `import { run } from ${JSON.stringify(MAIN)};
process.exitCode = await run(['node', 'sakura-guard', 'serve', '--config', ${JSON.stringify(configFile)}]);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', out, out],
    env: { ...process.env, SAKURA_GUARD_DATA_DIR: dataDir },
  });
  closeSync(out);
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const end = Date.now() + timeoutMs;
  for (;;) {
    const s = findRunningServer(dataDir);
    if (s !== null && s.pid === child.pid) {
      const pid = child.pid;
      return {
        url: s.url,
        token: s.token,
        pid,
        async kill9() {
          child.kill('SIGKILL');
          await exited(child);
          process.removeListener('exit', killOnExit);
        },
        async stop() {
          child.kill('SIGTERM');
          const code = await exited(child);
          process.removeListener('exit', killOnExit);
          return code;
        },
        rssBytes() {
          const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
          return Number(m?.[1] ?? 0) * 1024;
        },
      };
    }
    if (child.exitCode !== null || Date.now() > end) {
      child.kill('SIGKILL');
      process.removeListener('exit', killOnExit);
      const tail = readFileSync(logFile, 'utf8')
        .split('\n')
        .filter((l) => !/token/i.test(l))
        .slice(-5)
        .join('\n');
      throw new Error(
        child.exitCode !== null
          ? `serve exited with ${child.exitCode}: ${tail}`
          : `serve did not start within ${timeoutMs} ms: ${tail}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
