// Where the inventory lives: DATA_DIR/inventory.yaml by default, or a file named in the
// configuration. A missing default file means "no inventory"; a missing configured file is an
// error (the operator asked for it).

import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { EXIT_INPUT, UserError, errorMessage } from '../core/errors.ts';
import { type Inventory, parseInventory } from './inventory.ts';
import { buildAssetLookup, type AssetLookup } from './lookup.ts';

export const INVENTORY_FILE = 'inventory.yaml';
/** Written by `sakura sync`; merged under INVENTORY_FILE. */
export const SYNCED_INVENTORY_FILE = 'sakura-inventory.yaml';

export const assetsConfigSchema = z.object({
  /** Path of the inventory file; relative paths are taken from the data directory. */
  inventory: z.string().min(1).optional(),
});
export type AssetsConfig = z.infer<typeof assetsConfigSchema>;

/** The inventory file for a data directory and configuration. */
export function inventoryPath(dataDir: string, config: AssetsConfig = {}): string {
  return config.inventory === undefined
    ? path.join(dataDir, INVENTORY_FILE)
    : path.resolve(dataDir, config.inventory);
}

/**
 * Loads the asset lookup from a data directory (its inventory.yaml, if any) or from an
 * inventory file given directly.
 */
export async function loadAssets(dataDirOrFile: string, config: AssetsConfig = {}): Promise<AssetLookup> {
  let file: string;
  let required: boolean;
  const s = await stat(dataDirOrFile).catch(() => null);
  if (s?.isFile()) {
    file = dataDirOrFile;
    required = true;
  } else if (s === null && /\.ya?ml$/i.test(dataDirOrFile)) {
    file = dataDirOrFile;
    required = true;
  } else {
    file = inventoryPath(dataDirOrFile, config);
    required = config.inventory !== undefined;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e: unknown) {
    if (!required && (e as NodeJS.ErrnoException).code === 'ENOENT')
      return buildAssetLookup(mergeSynced({ version: 1, assets: [] }, await readSynced(dataDirOrFile)));
    throw new UserError(`cannot read the asset inventory ${file}: ${errorMessage(e)}`, {
      exitCode: EXIT_INPUT,
      hint: `create it (docs/assets.md has an example) or fix the configured path`,
    });
  }
  const own = parseInventory(text, file);
  return buildAssetLookup(
    required && file === dataDirOrFile ? own : mergeSynced(own, await readSynced(dataDirOrFile)),
  );
}

/** DATA_DIR/sakura-inventory.yaml, written by `sakura sync` (src/sakura/inventory.ts), if present. */
async function readSynced(dataDir: string): Promise<Inventory | null> {
  const file = path.join(dataDir, SYNCED_INVENTORY_FILE);
  const text = await readFile(file, 'utf8').catch(() => null);
  return text === null ? null : parseInventory(text, file);
}

/** The operator's own assets win: synced assets keep only addresses and interfaces nobody listed. */
function mergeSynced(own: Inventory, synced: Inventory | null): Inventory {
  if (synced === null) return own;
  const taken = new Set(
    own.assets.flatMap((a) => [...a.addresses.map((x) => `a:${x}`), ...a.interfaces.map((x) => `i:${x}`)]),
  );
  const extra = synced.assets
    .map((a) => ({
      ...a,
      addresses: a.addresses.filter((x) => !taken.has(`a:${x}`)),
      interfaces: a.interfaces.filter((x) => !taken.has(`i:${x}`)),
    }))
    .filter((a) => a.addresses.length + a.interfaces.length > 0);
  return { version: 1, assets: [...own.assets, ...extra] };
}
