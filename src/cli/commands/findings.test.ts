import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleFinding } from '../../findings/store-contract.ts';
import { withFindingStore } from '../../findings/open.ts';
import { runCaptured } from '../run-captured.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sg-findings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return runCaptured(['--data-dir', dir, ...args], { cwd: dir });
}

describe('findings and suppress commands', () => {
  it('list, show, suppress with preview, remove, archive', async () => {
    await withFindingStore(dir, { readOnly: false }, async (s) => {
      await s.put(sampleFinding({ id: 'aaa', severity: 2, severityLabel: 'low' }));
      await s.put(
        sampleFinding({
          id: 'bbb',
          severity: 8,
          severityLabel: 'high',
          type: 'Impact:Host/PortSweep',
          actor: { ip: '198.51.100.1', port: null },
        }),
      );
    });
    const list = await cli('findings', '--json', '--min-severity', '4');
    expect(list.code).toBe(1);
    expect((JSON.parse(list.out) as { id: string }[]).map((f) => f.id)).toEqual(['bbb']);
    expect((await cli('findings', 'show', 'aaa')).out).toContain('all records: SELECT 1');
    expect((await cli('findings', 'show', 'zzz')).code).toBe(2);

    const preview = await cli('suppress', 'add', '--actor', '203.0.113.0/24', '--preview');
    expect(preview.out).toMatch(/^1 active finding/);
    expect((await cli('findings', '--json')).out).toContain('"aaa"');
    const add = await cli(
      'suppress',
      'add',
      '--actor',
      '203.0.113.0/24',
      '--expires',
      '7d',
      '--reason',
      'pentest',
    );
    expect(add.out).toContain('archived 1 existing finding');
    expect((await cli('findings', '--json')).out).not.toContain('"aaa"');
    const id = /added (sup-[0-9a-f]+)/.exec(add.out)?.[1] ?? '';
    expect((await cli('suppress', 'list')).out).toContain(id);
    expect((await cli('suppress', 'remove', id)).out).toContain('1 finding(s) active again');
    expect((await cli('findings', 'archive', 'bbb')).out).toContain('archived bbb');
    expect((await cli('findings', '--status', 'archived', '--json')).out).toContain('"bbb"');
    const bad = await cli('suppress', 'add');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('hint:');
  });
});
