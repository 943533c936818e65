import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { UserError } from '../core/errors.ts';
import { parseIp } from '../core/ip.ts';
import { addIntelList, defaultListName, listIntelLists, loadIntel, removeIntelList } from './store.ts';

let dir: string;
const clock = manualClock(Date.parse('2026-11-23T12:00:00Z'));
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sg-intel-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const at = (text: string): [number, string | null] => {
  const a = parseIp(text)!;
  return [a.v4, a.v6];
};

describe('intel store', () => {
  it('round-trips lists through DATA_DIR/intel and builds the matcher from them', async () => {
    const threat = path.join(dir, 'bad ips.txt');
    await writeFile(threat, '198.51.100.0/24\n2001:db8:bad::/48\nnot-an-ip\n198.51.100.0/24\n');
    const trusted = path.join(dir, 'ours.txt');
    await writeFile(trusted, '198.51.100.64/26\n');
    const data = path.join(dir, 'data');
    const added = await addIntelList(data, threat, { kind: 'threat', format: 'auto', clock });
    expect(added.manifest).toMatchObject({
      name: 'bad-ips',
      kind: 'threat',
      format: 'txt',
      entries: 2,
      entriesV4: 1,
      entriesV6: 1,
      rejected: 1,
      duplicates: 1,
      addedAt: '2026-11-23T12:00:00.000Z',
      source: threat,
    });
    const rejected = await readFile(added.rejectedFile!, 'utf8');
    expect(JSON.parse(rejected.trim())).toMatchObject({ file: threat, line: 3, reason: 'bad-ip' });
    await addIntelList(data, trusted, { name: 'office', kind: 'trusted', format: 'txt', clock });
    expect((await listIntelLists(data)).map((m) => m.name)).toEqual(['bad-ips', 'office']);

    const intel = await loadIntel(data);
    expect(intel.match(...at('198.51.100.1'))).toMatchObject({ list: 'bad-ips', entry: '198.51.100.0/24' });
    expect(intel.match(...at('2001:db8:bad::1'))).toMatchObject({ list: 'bad-ips' });
    expect(intel.match(...at('198.51.100.70'))).toBeNull();
    expect(intel.isTrusted(...at('198.51.100.70'))).toBe(true);

    await removeIntelList(data, 'office');
    const after = await loadIntel(data);
    expect(after.match(...at('198.51.100.70'))).toMatchObject({ list: 'bad-ips' });
  });

  it('refuses duplicate names, empty lists, missing files and unknown names with hints', async () => {
    const data = path.join(dir, 'data');
    const f = path.join(dir, 'l.txt');
    await writeFile(f, '1.2.3.4\n');
    await addIntelList(data, f, { kind: 'threat', format: 'auto', clock });
    await expect(addIntelList(data, f, { kind: 'threat', format: 'auto', clock })).rejects.toThrow(
      /already exists/,
    );
    await expect(addIntelList(data, f, { name: 'L', kind: 'threat', format: 'auto', clock })).rejects.toThrow(
      UserError,
    );
    const empty = path.join(dir, 'empty.txt');
    await writeFile(empty, '# nothing\nfoo\n');
    await expect(addIntelList(data, empty, { kind: 'threat', format: 'auto', clock })).rejects.toThrow(
      /no usable entries.*1 bad-ip/,
    );
    await expect(
      addIntelList(data, path.join(dir, 'nope'), { kind: 'threat', format: 'auto', clock }),
    ).rejects.toThrow(/cannot read/);
    await expect(
      addIntelList(data, f, { name: '../evil', kind: 'threat', format: 'auto', clock }),
    ).rejects.toThrow(/invalid list name/);
    await expect(removeIntelList(data, 'nope')).rejects.toThrow(/no list named/);
  });

  it('loads nothing from a data directory without lists, and reports a corrupt manifest', async () => {
    const empty = await loadIntel(path.join(dir, 'none'));
    expect(empty.match(...at('1.2.3.4'))).toBeNull();
    const data = path.join(dir, 'data');
    const f = path.join(dir, 'l.txt');
    await writeFile(f, '1.2.3.4\n');
    await addIntelList(data, f, { kind: 'threat', format: 'auto', clock });
    await writeFile(path.join(data, 'intel', 'l.json'), '{"version":1}');
    await expect(loadIntel(data)).rejects.toThrow(/invalid.*name/);
  });

  it('derives list names from file names', () => {
    expect(defaultListName('/x/feodo_ips.csv')).toBe('feodo_ips');
    expect(defaultListName('drop_v4.json')).toBe('drop_v4');
    expect(defaultListName('..weird name!.txt')).toBe('weird-name-');
  });
});
