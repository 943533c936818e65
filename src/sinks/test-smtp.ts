// Starts test-smtp-server.ts (a real SMTP server) in a child process for the e-mail tests.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './test-receivers.ts';

export interface Mail {
  from: string;
  to: string[];
  raw: string;
}

/** Starts test-smtp-server.ts in a child process (the pinned node runs .ts directly). */
export async function startSmtp(
  env: Record<string, string> = {},
): Promise<{ port: number; mails: Mail[]; child: ChildProcess }> {
  const script = fileURLToPath(new URL('./test-smtp-server.ts', import.meta.url));
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const mails: Mail[] = [];
  let port = 0;
  let buf = '';
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const msg = JSON.parse(buf.slice(0, i)) as { port?: number } & Mail;
      buf = buf.slice(i + 1);
      if (msg.port !== undefined) port = msg.port;
      else mails.push(msg);
    }
  });
  await waitFor(() => port !== 0, 1000);
  if (port === 0) throw new Error('the SMTP server process did not start');
  return { port, mails, child };
}
