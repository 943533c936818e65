import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withFindingStore } from '../../findings/open.ts';
import { sampleFinding } from '../../findings/store-contract.ts';
import { runCaptured } from '../run-captured.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sg-allow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runCaptured(['--data-dir', dir, ...args], { cwd: dir });
const status = () =>
  withFindingStore(dir, { readOnly: true }, async (s) =>
    Object.fromEntries((await s.list()).map((f) => [f.id, f.status])),
  );

describe('allow command', () => {
  it('re-evaluates stored findings: an expected pair or host/port archives them, remove restores', async () => {
    await withFindingStore(dir, { readOnly: false }, async (s) => {
      const base = { resource: { ip: '10.0.2.21', name: null, id: null }, role: 'actor' as const };
      await s.put(
        sampleFinding({
          ...base,
          id: 'beacon',
          type: 'Backdoor:Host/C&CActivity.Beacon',
          actor: { ip: '198.51.100.7', port: 443 },
        }),
      );
      await s.put(
        sampleFinding({
          ...base,
          id: 'other-pair',
          type: 'Backdoor:Host/C&CActivity.Beacon',
          actor: { ip: '198.51.100.8', port: 443 },
        }),
      );
      await s.put(
        sampleFinding({
          ...base,
          id: 'irc',
          type: 'Behavior:Host/NetworkPortUnusual',
          actor: { ip: '198.51.100.66', port: 6667 },
          detail: { port: 6667 },
        }),
      );
      await s.put(sampleFinding({ ...base, id: 'scan', actor: { ip: '198.51.100.7', port: null } }));
    });

    const pair = await cli('allow', 'pair', '10.0.2.21', '198.51.100.7', '--port', '443');
    expect(pair.code).toBe(0);
    expect(pair.out).toMatch(/archived 1 stored finding/);
    expect(await status()).toEqual({
      beacon: 'archived',
      'other-pair': 'active',
      irc: 'active',
      scan: 'active',
    });

    const port = await cli('allow', 'port', '10.0.2.21', '6667', '--reason', 'chat bridge');
    expect(port.out).toMatch(/archived 1 stored finding/);
    expect((await status()).irc).toBe('archived');

    const id = /suppress remove (sup-[0-9a-f]+)/.exec(port.out)?.[1];
    expect(id).toBeDefined();
    expect((await cli('suppress', 'remove', id!)).code).toBe(0);
    expect((await status()).irc).toBe('active');

    const bad = await cli('allow', 'port', '10.0.2.21', '70000');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/invalid port '70000'/);
  });
});
