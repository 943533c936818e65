// An e-mail channel whose SMTP server process is killed mid-stream and restarted on the same
// port: every alert arrives, once.

import { describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { startSmtp, type Mail } from '../sinks/test-smtp.ts';
import { parseAlertingConfig } from './config.ts';
import { createMemoryOutbox } from './memory-outbox.ts';
import { createAlertRouter } from './router.ts';
import { makeFinding } from './test-findings.ts';

const stop = async (child: Awaited<ReturnType<typeof startSmtp>>['child']): Promise<void> => {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
};

const deliveryIds = (mails: Mail[]): string[] =>
  mails.map((m) => /X-Sakura-Guard-Delivery: (\S+)/.exec(m.raw)?.[1] ?? '');

describe('alert router with an SMTP server process killed and restarted', () => {
  it('delivers every alert exactly once', async () => {
    const first = await startSmtp();
    const clock = manualClock(Date.parse('2026-11-20T03:00:00Z'));
    const config = parseAlertingConfig({
      channels: [
        {
          name: 'mail',
          kind: 'email',
          host: '127.0.0.1',
          port: first.port,
          from: 'guard@example.test',
          to: ['soc@example.test'],
          timeoutMs: 2000,
          digest: { immediatePerType: 100 },
          rateLimit: { max: 100 },
        },
      ],
      routes: [{ channels: ['mail'] }],
    });
    const outbox = createMemoryOutbox();
    const router = createAlertRouter({ config, outbox, clock, random: () => 0.5 });
    let second: Awaited<ReturnType<typeof startSmtp>> | null = null;
    try {
      for (let i = 0; i < 3; i++) await router.onFinding(makeFinding({ id: `m${i}` }), 'new');
      await stop(first.child);
      for (let i = 3; i < 8; i++) {
        clock.advance(20_000);
        await router.onFinding(makeFinding({ id: `m${i}` }), 'new');
        await router.tick();
      }
      second = await startSmtp({ PORT: String(first.port) });
      for (let i = 0; i < 50 && (await outbox.list({ status: 'pending' })).length > 0; i++) {
        clock.advance(30_000);
        await router.tick();
      }
      await router.close();
      const all = [...first.mails, ...second.mails];
      expect(first.mails).toHaveLength(3);
      expect(all).toHaveLength(8);
      const ids = deliveryIds(all);
      expect(new Set(ids).size).toBe(8);
      const delivered = await outbox.list({ status: 'delivered' });
      expect(new Set(delivered.map((e) => e.id))).toEqual(new Set(ids));
    } finally {
      await stop(first.child);
      if (second) await stop(second.child);
    }
  });
});
