// Runs the CLI in-process with its output captured: for tests and for tools that embed it.

import { PassThrough } from 'node:stream';
import { run } from './main.ts';

export interface CapturedRun {
  code: number;
  out: string;
  err: string;
}

/** `sakura-guard ARGS...` with stdout and stderr collected; `env` replaces the process environment. */
export async function runCaptured(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CapturedRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await run(
    ['node', 'sakura-guard', ...args],
    { stdout, stderr },
    options.env ?? {},
    options.cwd,
  );
  return { code, out, err };
}
