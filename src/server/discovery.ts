// How CLI commands find a running server when its DuckDB lock keeps them out of the store:
// `serve` writes DATA_DIR/server.json (URL, pid, version) and DATA_DIR/server.token (an admin API
// token for local use, mode 0600, revoked and both files removed at shutdown). Reading the token
// needs the same file access as reading the database itself, so it grants nothing new.

import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const SERVER_FILE = 'server.json';
export const SERVER_TOKEN_FILE = 'server.token';
/** Owner of the local token (see docs/server.md). */
export const LOCAL_OWNER = '(local cli)';

const serverFileSchema = z.object({
  url: z.string().url(),
  pid: z.number().int().positive(),
  version: z.string(),
  startedAt: z.string(),
});
export type ServerFile = z.infer<typeof serverFileSchema>;

export function writeServerFiles(dataDir: string, info: ServerFile, token: string): void {
  writeFileSync(join(dataDir, SERVER_TOKEN_FILE), `${token}\n`, { mode: 0o600 });
  chmodSync(join(dataDir, SERVER_TOKEN_FILE), 0o600);
  writeFileSync(join(dataDir, SERVER_FILE), `${JSON.stringify(info, null, 2)}\n`, { mode: 0o644 });
}

export function removeServerFiles(dataDir: string): void {
  for (const f of [SERVER_FILE, SERVER_TOKEN_FILE]) rmSync(join(dataDir, f), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running server of a data directory, or null (no files, unreadable, or its process is gone). */
export function findRunningServer(dataDir: string): (ServerFile & { token: string }) | null {
  try {
    const info = serverFileSchema.parse(JSON.parse(readFileSync(join(dataDir, SERVER_FILE), 'utf8')));
    if (!alive(info.pid)) return null;
    const token = readFileSync(join(dataDir, SERVER_TOKEN_FILE), 'utf8').trim();
    return token === '' ? null : { ...info, token };
  } catch {
    return null;
  }
}
