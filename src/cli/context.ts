// What every CLI command receives: where the data lives and where to write.

import path from 'node:path';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export interface CliContext extends CliIo {
  /** The data directory: `--data-dir`, else $SAKURA_GUARD_DATA_DIR, else ./data. */
  dataDir(): string;
  env: NodeJS.ProcessEnv;
  /** Exit code a command sets when it succeeds but has something to signal (see core/errors.ts). */
  exitCode: number;
}

export const DEFAULT_DATA_DIR = 'data';

export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  const chosen = flag ?? env.SAKURA_GUARD_DATA_DIR ?? DEFAULT_DATA_DIR;
  return path.resolve(cwd, chosen);
}

export function writeLine(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`);
}
