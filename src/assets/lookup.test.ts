import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseIp } from '../core/ip.ts';
import { parseInventory } from './inventory.ts';
import { loadAssets } from './load.ts';
import { buildAssetLookup } from './lookup.ts';

const INVENTORY = `
assets:
  - name: vpc
    addresses: [10.0.0.0/16, "2001:db8::/32"]
    owner: netops
  - name: app-subnet
    addresses: [10.0.1.0/24]
    tags: [prod]
  - name: web-1
    addresses: [10.0.1.10, "2001:db8:1::10"]
    interfaces: [eni-0a1b2c3d4e5f67890]
    tags: [web, prod]
    owner: team-web
  - name: nat-gw
    interfaces: [eni-0nat]
`;

const at = (text: string): [number, string | null] => {
  const a = parseIp(text)!;
  return [a.v4, a.v6];
};

describe('buildAssetLookup', () => {
  const assets = buildAssetLookup(parseInventory(INVENTORY, 'inventory.yaml'));

  it('finds the most specific asset for an address', () => {
    expect(assets.byIp(...at('10.0.1.10'))?.name).toBe('web-1');
    expect(assets.byIp(...at('10.0.1.11'))?.name).toBe('app-subnet');
    expect(assets.byIp(...at('10.0.200.1'))?.name).toBe('vpc');
    expect(assets.byIp(...at('2001:db8:1::10'))).toMatchObject({
      name: 'web-1',
      owner: 'team-web',
      tags: ['web', 'prod'],
    });
    expect(assets.byIp(...at('2001:db8:1::11'))?.name).toBe('vpc');
    expect(assets.byIp(...at('192.0.2.1'))).toBeNull();
  });

  it('finds assets by interface id, and combines both for the engine', () => {
    expect(assets.byResource('eni-0a1b2c3d4e5f67890')?.name).toBe('web-1');
    expect(assets.byResource('eni-unknown')).toBeNull();
    // An exact host address wins; else the observing interface; else the containing network.
    expect(assets.lookup(...at('10.0.1.10'), 'eni-0nat')?.name).toBe('web-1');
    expect(assets.lookup(...at('10.0.1.99'), 'eni-0nat')?.name).toBe('nat-gw');
    expect(assets.lookup(...at('10.0.1.99'), null)?.name).toBe('app-subnet');
    expect(assets.lookup(...at('192.0.2.1'), 'eni-unknown')).toBeNull();
  });
});

describe('loadAssets', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sg-assets-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads DATA_DIR/inventory.yaml, a file given directly, or a configured path', async () => {
    expect((await loadAssets(dir)).size).toBe(0);
    await writeFile(path.join(dir, 'inventory.yaml'), INVENTORY);
    expect((await loadAssets(dir)).byIp(...at('10.0.1.10'))?.name).toBe('web-1');
    await writeFile(path.join(dir, 'other.yml'), 'assets:\n  - name: x\n    addresses: [10.9.9.9]\n');
    expect((await loadAssets(path.join(dir, 'other.yml'))).size).toBe(1);
    expect((await loadAssets(dir, { inventory: 'other.yml' })).byIp(...at('10.9.9.9'))?.name).toBe('x');
  });

  it('fails clearly when a named inventory is missing or invalid', async () => {
    await expect(loadAssets(path.join(dir, 'missing.yaml'))).rejects.toThrow(
      /cannot read the asset inventory/,
    );
    await expect(loadAssets(dir, { inventory: 'nope.yaml' })).rejects.toThrow(/cannot read/);
    await writeFile(path.join(dir, 'inventory.yaml'), 'assets:\n  - name: a\n    addresses: [10.0.0.999]\n');
    await expect(loadAssets(dir)).rejects.toThrow(/inventory.yaml:3: assets\[0\]\.addresses\[0\]/);
  });
});
