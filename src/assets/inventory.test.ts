import { describe, expect, it } from 'vitest';
import { UserError } from '../core/errors.ts';
import { checkInventory, parseInventory } from './inventory.ts';

const GOOD = `
version: 1
assets:
  - name: web-1
    addresses: [10.0.1.10, "2001:db8:1::10"]
    interfaces: [eni-0a1b2c3d4e5f67890]
    tags: [web, prod]
    owner: team-web
  - name: app-subnet
    addresses: [10.0.1.0/24]
    tags: [prod]
`;

describe('asset inventory', () => {
  it('parses an inventory and fills defaults', () => {
    const inv = parseInventory(GOOD, 'inventory.yaml');
    expect(inv.assets).toHaveLength(2);
    expect(inv.assets[1]).toEqual({
      name: 'app-subnet',
      addresses: ['10.0.1.0/24'],
      interfaces: [],
      tags: ['prod'],
      owner: null,
    });
  });

  it('accepts an empty file as an empty inventory', () => {
    expect(parseInventory('', 'i.yaml').assets).toEqual([]);
  });

  it('reports every problem with its path and line', () => {
    const text = [
      'assets:', // 1
      '  - name: a', // 2
      '    addresses: [10.0.0.1, 10.0.0.300]', // 3
      '  - name: ""', // 4
      '    addresses: [10.0.0.0/33]', // 5
      '  - name: c', // 6
      '    colour: blue', // 7
      '  - name: d', // 8
      '  - name: e', // 9
      '    addresses: [10.0.0.1]', // 10
    ].join('\n');
    const { inventory, problems } = checkInventory(text);
    expect(inventory).toBeNull();
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p]));
    expect(byPath['assets[0].addresses[1]']).toMatchObject({
      line: 3,
      message: expect.stringContaining('10.0.0.300'),
    });
    expect(byPath['assets[1].name']).toMatchObject({ line: 4 });
    expect(byPath['assets[1].addresses[0]']).toMatchObject({
      line: 5,
      message: expect.stringContaining('bad-prefix'),
    });
    const messages = (p: string): string[] => problems.filter((x) => x.path === p).map((x) => x.message);
    expect(messages('assets[2]')).toContain('Unrecognized key: "colour"');
    expect(problems.find((x) => x.path === 'assets[2]')!.line).toBe(7);
    expect(messages('assets[3]')).toEqual(['an asset needs at least one address or interface']);
    expect(messages('assets[4]')).toEqual([]);
  });

  it('refuses an address or interface claimed by two assets', () => {
    const text =
      'assets:\n  - name: a\n    addresses: [10.0.0.1]\n    interfaces: [eni-1]\n  - name: b\n    addresses: [10.0.0.1/32]\n    interfaces: [eni-1]\n';
    const { problems } = checkInventory(text);
    expect(problems).toEqual([
      { path: 'assets[1].addresses[0]', line: 6, message: '10.0.0.1/32 is already listed by assets[0] (a)' },
      {
        path: 'assets[1].interfaces[0]',
        line: 7,
        message: 'interface eni-1 is already listed by assets[0] (a)',
      },
    ]);
  });

  it('reports YAML syntax errors with their line and throws a UserError with a hint', () => {
    const { problems } = checkInventory('assets:\n  - name: a\n    addresses: [1.2.3.4\n');
    expect(problems[0]!.path).toBe('(yaml)');
    expect(() => parseInventory('assets: 5', 'inv.yaml')).toThrow(UserError);
    try {
      parseInventory('assets:\n  - name: a\n    addresses: [x]\n', 'inv.yaml');
    } catch (e: unknown) {
      expect((e as UserError).message).toContain('inv.yaml:3: assets[0].addresses[0]:');
      expect((e as UserError).hint).toContain('docs/assets.md');
    }
  });
});

describe('the example in docs/assets.md', () => {
  it('is a valid inventory', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../docs/assets.md', import.meta.url), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)![1]!;
    const inv = parseInventory(example, 'docs/assets.md');
    expect(inv.assets.map((a) => a.name)).toEqual(['vpc-prod', 'app-subnet', 'web-1', 'nat-gateway', 'db-1']);
    expect(inv.assets[4]!.interfaces).toEqual(['113600012345']);
  });
});
