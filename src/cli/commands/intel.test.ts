import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadIntel } from '../../intel/store.ts';
import { runCaptured } from '../run-captured.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sg-intel-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const at = (name: string): string => path.join(dir, name);

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return runCaptured(['--data-dir', path.join(dir, 'data'), ...args], { cwd: dir });
}

describe('sakura-guard intel', () => {
  it('adds, lists and removes lists, and detection can load them', async () => {
    await writeFile(path.join(dir, 'threats.txt'), '198.51.100.0/24\n1.2.3.999\n198.51.100.0/24\n');
    await writeFile(
      path.join(dir, 'exit-addresses'),
      'ExitNode AB\nExitAddress 185.220.101.1 2026-11-23 06:00:00\n',
    );
    await writeFile(path.join(dir, 'ours.csv'), 'ip,owner\n198.51.100.128/25,office\n');

    const add = await cli('intel', 'add', at('threats.txt'));
    expect(add.code).toBe(0);
    expect(add.out).toContain("added threat list 'threats': 1 entries (1 IPv4, 0 IPv6) read as txt");
    expect(add.out).toContain('1 duplicates kept once; rejected 1 bad-ip');
    expect(add.err).toContain('threats.txt:2: bad-ip: 1.2.3.999');

    expect((await cli('intel', 'add', at('exit-addresses'), '--tor', '--name', 'tor-exits')).code).toBe(0);
    expect((await cli('intel', 'add', at('ours.csv'), '--trusted')).out).toContain(
      "added trusted list 'ours'",
    );

    const table = await cli('intel', 'list');
    expect(table.out).toMatch(/threats\s+threat\s+txt\s+1\s+0\s+1/);
    expect(table.out).toMatch(/tor-exits\s+tor-exit\s+tor\s+1/);
    const json = JSON.parse((await cli('intel', 'list', '--json')).out) as { name: string; kind: string }[];
    expect(json.map((m) => [m.name, m.kind])).toEqual([
      ['ours', 'trusted'],
      ['threats', 'threat'],
      ['tor-exits', 'tor-exit'],
    ]);

    const intel = await loadIntel(path.join(dir, 'data'));
    expect(intel.match(0xc6336401, null)).toMatchObject({ list: 'threats' });
    expect(intel.match(0xc6336481, null)).toBeNull();
    expect(intel.isTrusted(0xc6336481, null)).toBe(true);

    const removed = await cli('intel', 'remove', 'threats');
    expect(removed.out).toContain("removed threat list 'threats'");
    expect(JSON.parse((await cli('intel', 'list', '--json')).out)).toHaveLength(2);
  });

  it('explains what went wrong: missing file, bad format, empty list, duplicate name, unknown list', async () => {
    await writeFile(path.join(dir, 'l.txt'), '1.2.3.4\n');
    await writeFile(path.join(dir, 'empty.txt'), '# only comments\n');

    const missing = await cli('intel', 'add', at('nope.txt'));
    expect(missing.code).toBe(3);
    expect(missing.err).toMatch(/cannot read .*nope.txt[\s\S]*hint:/);

    const format = await cli('intel', 'add', at('l.txt'), '--format', 'xml');
    expect(format.code).toBe(3);
    expect(format.err).toContain('hint: use one of: auto, txt, csv, stix, drop, tor');

    const empty = await cli('intel', 'add', at('empty.txt'));
    expect(empty.code).toBe(3);
    expect(empty.err).toContain('no usable entries in ');

    expect((await cli('intel', 'add', at('l.txt'))).code).toBe(0);
    const dup = await cli('intel', 'add', at('l.txt'));
    expect(dup.code).toBe(2);
    expect(dup.err).toContain('hint: choose another name with --name');

    const both = await cli('intel', 'add', at('l.txt'), '--trusted', '--tor', '--name', 'x');
    expect(both.code).toBe(2);

    const unknown = await cli('intel', 'remove', 'other');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('hint: the lists are: l');
    expect((await cli('intel', 'list')).out).toMatch(/^name\s+kind/);
  });
});
