// Where the inventory lives: DATA_DIR/inventory.yaml by default, or a file named in the
// configuration. A missing default file means "no inventory"; a missing configured file is an
// error (the operator asked for it).

import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { EXIT_INPUT, UserError, errorMessage } from '../core/errors.ts';
import { parseInventory } from './inventory.ts';
import { buildAssetLookup, type AssetLookup } from './lookup.ts';

export const INVENTORY_FILE = 'inventory.yaml';

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
      return buildAssetLookup({ version: 1, assets: [] });
    throw new UserError(`cannot read the asset inventory ${file}: ${errorMessage(e)}`, {
      exitCode: EXIT_INPUT,
      hint: `create it (docs/assets.md has an example) or fix the configured path`,
    });
  }
  return buildAssetLookup(parseInventory(text, file));
}
