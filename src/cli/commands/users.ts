// `sakura-guard users add NAME --role ROLE` and `users list`: local users, for the first admin on
// a headless install. The password is read from standard input (one line) or
// $SAKURA_GUARD_PASSWORD, never from the command line (it would show in `ps` and shell history).
// While `serve` holds the store the command goes through its API with the local token
// (server/discovery.ts); otherwise it opens the store itself.

import type { z } from 'zod';
import { systemClock } from '../../core/clock.ts';
import { EXIT_USAGE, UserError } from '../../core/errors.ts';
import { isRole, ROLES, type Role } from '../../api/permissions.ts';
import { password as passwordSchema, userName } from '../../api/routes/users.ts';
import { hashPassword } from '../../api/secrets.ts';
import { openServerStore } from '../../server/open-store.ts';
import { loadOrCreateSecretKey } from '../../server/secret-key.ts';
import { writeLine } from '../context.ts';
import { runningServer } from '../server-client.ts';
import type { RegisterCommand } from './index.ts';

async function readPassword(env: NodeJS.ProcessEnv): Promise<string> {
  const fromEnv = env.SAKURA_GUARD_PASSWORD;
  if (fromEnv !== undefined) return fromEnv;
  if (process.stdin.isTTY) {
    throw new UserError('no password given', {
      hint: 'pipe it on standard input (e.g. `read -rs PW && printf %s "$PW" | sakura-guard users add ...`) or set SAKURA_GUARD_PASSWORD',
      exitCode: EXIT_USAGE,
    });
  }
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.split(/\r?\n/)[0] ?? '';
}

function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new UserError(`invalid ${what}: ${r.error.issues.map((i) => i.message).join('; ')}`, {
    exitCode: EXIT_USAGE,
  });
}

async function viaServer(
  dataDir: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown | null> {
  const server = runningServer(dataDir);
  return server ? server.request<unknown>(method, path, body) : null;
}

export const registerUsers: RegisterCommand = (program, ctx) => {
  const cmd = program.command('users').description('local users of the API (roles: admin, analyst, viewer)');

  cmd
    .command('add')
    .description('add a user; the password comes from standard input or $SAKURA_GUARD_PASSWORD')
    .argument('<name>', 'user name')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .action(async (name: string, opts: { role: string }) => {
      if (!isRole(opts.role)) {
        throw new UserError(`unknown role ${JSON.stringify(opts.role)}`, {
          hint: `use one of ${ROLES.join(', ')}`,
          exitCode: EXIT_USAGE,
        });
      }
      const role: Role = opts.role;
      const user = check(userName, name, 'user name');
      const password = check(passwordSchema, await readPassword(ctx.env), 'password');
      const dataDir = ctx.dataDir();
      if ((await viaServer(dataDir, 'POST', '/api/v1/users', { name: user, role, password })) !== null) {
        writeLine(ctx.stdout, `added ${user} (${role}) through the running server`);
        return;
      }
      const store = await openServerStore(dataDir, loadOrCreateSecretKey(dataDir), systemClock);
      try {
        if (await store.auth.getUser(user))
          throw new UserError(`user ${user} exists`, { exitCode: EXIT_USAGE });
        await store.auth.addUser(user, role, await hashPassword(password));
        await store.auth.audit({
          actor: '(local cli)',
          action: 'user.add',
          target: user,
          ip: null,
          outcome: 'ok',
          detail: { role },
        });
      } finally {
        await store.close();
      }
      writeLine(ctx.stdout, `added ${user} (${role})`);
    });

  cmd
    .command('list')
    .description('list users')
    .action(async () => {
      const dataDir = ctx.dataDir();
      const remote = (await viaServer(dataDir, 'GET', '/api/v1/users')) as {
        items: { name: string; role: string }[];
      } | null;
      let items: { name: string; role: string }[];
      if (remote) items = remote.items;
      else {
        const store = await openServerStore(dataDir, loadOrCreateSecretKey(dataDir), systemClock);
        try {
          items = (await store.auth.listUsers()).map((u) => ({ name: u.name, role: u.role }));
        } finally {
          await store.close();
        }
      }
      if (items.length === 0) writeLine(ctx.stdout, 'no users');
      for (const u of items) writeLine(ctx.stdout, `${u.name}\t${u.role}`);
    });
};
