// A throwaway PostgreSQL 15 cluster on 127.0.0.1: initdb into a temp directory, postgres with
// its socket in that directory, trust authentication for loopback only. initdb refuses to run
// as root, so as root the cluster belongs to Debian's `postgres` user (runuser).

import { chownSync, chmodSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { findBinary, freePort, removeDir, startChild, tempDir, waitFor, type Child } from './process.ts';

const BIN = '/usr/lib/postgresql/15/bin';
export const POSTGRES_BINARY = findBinary([join(BIN, 'postgres')]);
const INITDB = join(BIN, 'initdb');

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  readonly url: string;
  stop(): Promise<void>;
}

const isRoot = (): boolean => process.getuid?.() === 0;

/** The command and arguments to run `bin args` as the cluster's owner. */
function asOwner(bin: string, args: readonly string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, [...args]];
}

function userIds(name: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', name]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', name]).toString().trim());
  return { uid, gid };
}

export async function startPostgres(): Promise<PostgresServer> {
  if (POSTGRES_BINARY === null) throw new Error('postgresql 15 is not installed');
  const dir = tempDir('sg-postgres-');
  chmodSync(dir, 0o700);
  if (isRoot()) {
    const { uid, gid } = userIds('postgres');
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const [initCmd, initArgs] = asOwner(INITDB, [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  execFileSync(initCmd, initArgs, { stdio: 'pipe' });
  const port = await freePort();
  const [cmd, args] = asOwner(POSTGRES_BINARY, [
    '-D',
    data,
    '-k',
    dir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'max_connections=50',
  ]);
  const child: Child = startChild(cmd, args);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  try {
    await waitFor(
      async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.end();
        return true;
      },
      30_000,
      () => child.output(),
    );
  } catch (e) {
    await child.stop();
    removeDir(dir);
    throw e;
  }
  return {
    url,
    async stop() {
      // pg_ctl's fast shutdown waits for the server itself to exit (runuser does not always
      // pass a signal on, which would leave postgres running without its directory).
      const [ctl, ctlArgs] = asOwner(join(BIN, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      try {
        execFileSync(ctl, ctlArgs, { stdio: 'pipe', timeout: 30_000 });
      } catch {
        // already stopped
      }
      await child.stop(10_000, 'SIGINT');
      removeDir(dir);
    },
  };
}
