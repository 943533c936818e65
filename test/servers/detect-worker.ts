// A detector worker for tests and the benchmark: the real `sakura-guard serve --role detect` in
// its own process, configured by a sakura-guard.yaml written to a temp directory. Its stderr
// lines (shard acquired/released, errors) are kept for assertions and failure messages.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly lines: string[];
  /** Shards this worker holds now, from its log lines. */
  held(): number;
  /** Sends `signal` (SIGKILL after 10 s) and waits for the exit. */
  stop(signal: NodeJS.Signals): Promise<void>;
}

export function startWorkerProcess(root: string, scaleOut: Record<string, unknown>): WorkerProcess {
  const dir = mkdtempSync(join(tmpdir(), 'sg-detect-'));
  const config = join(dir, 'sakura-guard.yaml');
  writeFileSync(config, stringify({ scaleOut }));
  const argv = [
    'node',
    'sakura-guard',
    '--data-dir',
    join(dir, 'data'),
    'serve',
    '--role',
    'detect',
    '--config',
    config,
  ];
  const code = `const { run } = await import('./src/cli/main.ts'); process.exitCode = await run(${JSON.stringify(argv)});`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (d: Buffer): void => {
    lines.push(...d.toString().split('\n').filter(Boolean));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return {
    child,
    lines,
    held() {
      const held = new Set<string>();
      for (const l of lines) {
        const m = /shard (\d+) (acquired|released)/.exec(l);
        if (m?.[2] === 'acquired') held.add(m[1]!);
        else if (m) held.delete(m[1]!);
      }
      return held.size;
    },
    async stop(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
