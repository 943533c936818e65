// A rule enabled on a running server fires on live input (syslog UDP over loopback), and a rule
// added to the directory afterwards fires after a reload, without a restart.

import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { defaultConfig } from '../config/schema.ts';
import { reloadLiveRules } from '../detectors/rules.ts';
import { startServer } from '../server/serve.ts';

const RULE = (id: string, port: number): string =>
  `title: port ${port} reached from outside\nid: ${id}\nlevel: high\nfindingType: Policy:Host/Port${port}FromOutside\nlogsource: {category: firewall}\ndetection:\n  sel: {dst_port: ${port}}\n  inside: {src_ip|cidr: 10.0.0.0/8}\n  condition: sel and not inside\n`;

async function until(done: () => boolean, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out waiting for the syslog receiver');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('rules in serve', () => {
  it('fire on live syslog input and reload without a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-rules-live-'));
    const rulesDir = join(dir, 'rules');
    mkdirSync(rulesDir);
    writeFileSync(join(rulesDir, 'pg.yml'), RULE('pg-outside', 5432));
    const clock = manualClock(Date.parse('2026-11-23T12:00:00Z'));
    const config = defaultConfig();
    config.server.port = 0;
    config.inputs.syslog.enabled = true;
    config.inputs.syslog.listen = [{ host: '127.0.0.1', port: 0 }];
    config.rules.directories = [rulesDir];
    let token = '';
    const server = await startServer({
      config,
      dataDir: join(dir, 'data'),
      clock,
      version: 't',
      logStream: false,
      onBootstrapToken: (t) => {
        token = t;
      },
    });
    const sock = createSocket('udp4');
    let sent = 0;
    const send = async (dport: number): Promise<void> => {
      const line = `<4>Nov 23 11:59:50 vm kernel: [ 1.0] FW: IN=eth0 OUT= SRC=203.0.113.60 DST=10.0.0.7 LEN=60 PROTO=TCP SPT=40001 DPT=${dport} SYN`;
      await new Promise<void>((resolve, reject) =>
        sock.send(Buffer.from(line), server.live.syslog[0]?.port ?? 0, '127.0.0.1', (e) =>
          e ? reject(e) : resolve(),
        ),
      );
      sent++;
      await until(() => (server.live.syslogCounters()?.receivedPackets ?? 0) === sent);
      await server.live.settle();
    };
    const headers = { authorization: `Bearer ${token}` };
    const types = async (): Promise<string[]> => {
      const list = (await (await fetch(`${server.url}/api/v1/findings`, { headers })).json()) as {
        items: { type: string; detector: string }[];
      };
      return list.items.map((f) => f.type).sort();
    };
    try {
      await send(5432);
      await send(6379);
      expect(await types()).toEqual(['Policy:Host/Port5432FromOutside']);

      writeFileSync(join(rulesDir, 'redis.yml'), RULE('redis-outside', 6379));
      const reloads = reloadLiveRules();
      expect(reloads.some((r) => r.rules === 2 && r.active === 2 && r.problems.length === 0)).toBe(true);
      await send(6379);
      expect(await types()).toEqual(['Policy:Host/Port5432FromOutside', 'Policy:Host/Port6379FromOutside']);
    } finally {
      sock.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
