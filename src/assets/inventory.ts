// The asset inventory: a YAML file mapping IPs, CIDRs and interface ids (AWS ENIs, Sakura Cloud
// NICs) to a name, tags and an owner, so findings can say "web-1 (team-web)" instead of an
// address. Validated with zod; every problem is reported at once with its path and line.

import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { EXIT_INPUT, UserError } from '../core/errors.ts';
import type { Asset as EngineAsset } from '../engine/lookups.ts';
import { normaliseEntry } from '../intel/entry.ts';

const addressSchema = z.string().superRefine((value, ctx) => {
  const r = normaliseEntry(value);
  if (!r.ok)
    ctx.addIssue({ code: 'custom', message: `'${value}' is not an IP address or CIDR (${r.reason})` });
});

export const assetSchema = z
  .object({
    name: z.string().min(1, 'an asset needs a name'),
    /** IPs and CIDRs: `10.0.1.10`, `10.0.2.0/24`, `2001:db8::10`. The most specific one wins. */
    addresses: z.array(addressSchema).default([]),
    /** Interface ids that belong to the asset: `eni-0a1b2c3d4e5f67890`, a Sakura Cloud NIC id. */
    interfaces: z.array(z.string().min(1)).default([]),
    tags: z.array(z.string().min(1)).default([]),
    owner: z.string().min(1).nullable().default(null),
    description: z.string().optional(),
  })
  .strict()
  .refine((a) => a.addresses.length + a.interfaces.length > 0, {
    message: 'an asset needs at least one address or interface',
  });

export const inventorySchema = z
  .object({
    version: z.literal(1).default(1),
    assets: z.array(assetSchema).default([]),
  })
  .strict();

export type Inventory = z.infer<typeof inventorySchema>;
export type InventoryAsset = z.infer<typeof assetSchema>;

/** What lookups return: the engine's Asset plus where it was defined. */
export interface Asset extends EngineAsset {
  addresses: string[];
  interfaces: string[];
  description: string | null;
}

export interface InventoryProblem {
  path: string;
  line: number;
  message: string;
}

function pathText(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : `${s === '' ? '' : '.'}${String(p)}`;
  return s || '(root)';
}

/** Parses and validates inventory text; returns every problem rather than stopping at the first. */
export function checkInventory(text: string): { inventory: Inventory | null; problems: InventoryProblem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const lineAt = (offset: number | undefined): number =>
    offset === undefined ? 1 : lines.linePos(offset).line;
  if (doc.errors.length > 0)
    return {
      inventory: null,
      problems: doc.errors.map((e) => ({
        path: '(yaml)',
        line: lineAt(e.pos[0]),
        message: e.message.split('\n')[0]!,
      })),
    };
  const lineOf = (path: readonly PropertyKey[]): number => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as (string | number)[], true) as
        { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return lineAt(node.range[0]);
    }
    return 1;
  };
  const raw: unknown = doc.toJS() ?? {};
  const r = inventorySchema.safeParse(raw);
  if (!r.success)
    return {
      inventory: null,
      problems: r.error.issues.map((i) => ({
        path: pathText(i.path),
        // An unknown key is reported on its own line, not on the line where its map starts.
        line: lineOf(
          i.code === 'unrecognized_keys' && i.keys[0] !== undefined ? [...i.path, i.keys[0]] : i.path,
        ),
        message: i.message,
      })),
    };

  // Cross-asset checks: one address or interface belongs to one asset.
  const problems: InventoryProblem[] = [];
  const owners = new Map<string, string>();
  r.data.assets.forEach((a, ai) => {
    a.addresses.forEach((addr, i) => {
      const norm = normaliseEntry(addr);
      const key = norm.ok ? norm.cidr : addr;
      const path = ['assets', ai, 'addresses', i];
      const prior = owners.get(`a:${key}`);
      if (prior !== undefined)
        problems.push({
          path: pathText(path),
          line: lineOf(path),
          message: `${key} is already listed by ${prior}`,
        });
      else owners.set(`a:${key}`, `assets[${ai}] (${a.name})`);
    });
    a.interfaces.forEach((id, i) => {
      const path = ['assets', ai, 'interfaces', i];
      const prior = owners.get(`i:${id}`);
      if (prior !== undefined)
        problems.push({
          path: pathText(path),
          line: lineOf(path),
          message: `interface ${id} is already listed by ${prior}`,
        });
      else owners.set(`i:${id}`, `assets[${ai}] (${a.name})`);
    });
  });
  return { inventory: problems.length === 0 ? r.data : null, problems };
}

/** Parses an inventory, throwing one UserError that lists every problem with file, line and path. */
export function parseInventory(text: string, file: string): Inventory {
  const { inventory, problems } = checkInventory(text);
  if (inventory === null)
    throw new UserError(
      `the asset inventory ${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems
        .map((p) => `  ${file}:${p.line}: ${p.path}: ${p.message}`)
        .join('\n')}`,
      { exitCode: EXIT_INPUT, hint: 'fix the inventory; docs/assets.md shows the format with an example' },
    );
  return inventory;
}

export function toAsset(a: InventoryAsset): Asset {
  return {
    name: a.name,
    tags: a.tags,
    owner: a.owner,
    addresses: a.addresses,
    interfaces: a.interfaces,
    description: a.description ?? null,
  };
}
