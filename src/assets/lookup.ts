// Finding the asset of an address or an interface id: one CIDR index over every asset's
// addresses (the most specific CIDR wins) and a map of interface ids.

import { parseIpv4, parseIpv6Groups } from '../core/ip.ts';
import type { AssetLookup as EngineAssetLookup } from '../engine/lookups.ts';
import { buildCidrIndex, CidrInput, type CidrIndex } from '../intel/cidr-index.ts';
import { normaliseEntry } from '../intel/entry.ts';
import { toAsset, type Asset, type Inventory } from './inventory.ts';

export interface AssetLookup extends EngineAssetLookup {
  byIp(v4: number, v6: string | null): Asset | null;
  byResource(id: string): Asset | null;
  /**
   * For the engine: an exact host address (/32, /128) first, then the interface that observed
   * the traffic, then the most specific network containing the address.
   */
  lookup(v4: number, v6: string | null, interfaceId: string | null): Asset | null;
  readonly size: number;
}

function indexAddresses(inventory: Inventory): CidrIndex {
  const input = new CidrInput();
  inventory.assets.forEach((a, group) => {
    for (const text of a.addresses) {
      const r = normaliseEntry(text);
      if (!r.ok) continue; // the schema has already refused these
      const [addr, bits] = r.cidr.split('/') as [string, string];
      if (r.family === 4) input.addV4(parseIpv4(addr), Number(bits), group);
      else input.addV6(parseIpv6Groups(addr)!, Number(bits), group);
    }
  });
  return buildCidrIndex(input);
}

export function buildAssetLookup(inventory: Inventory): AssetLookup {
  const assets = inventory.assets.map(toAsset);
  const index = indexAddresses(inventory);
  const byInterface = new Map<string, Asset>();
  assets.forEach((a) => {
    for (const id of a.interfaces) byInterface.set(id, a);
  });
  const find = (v4: number, v6: string | null): number => (v6 === null ? index.findV4(v4) : index.findV6(v6));
  const assetOf = (entry: number): Asset | null => (entry < 0 ? null : assets[index.ownGroups(entry)[0]!]!);
  return {
    byIp: (v4, v6) => assetOf(find(v4, v6)),
    byResource: (id) => byInterface.get(id) ?? null,
    lookup(v4, v6, interfaceId) {
      const entry = find(v4, v6);
      if (entry >= 0 && /\/(32|128)$/.test(index.cidrText(entry))) return assetOf(entry);
      const viaInterface = interfaceId === null ? undefined : byInterface.get(interfaceId);
      return viaInterface ?? assetOf(entry);
    },
    size: assets.length,
  };
}

/** An AssetLookup whose inventory can be swapped while it is in use (after a Sakura Cloud sync). */
export interface ReloadableAssetLookup extends AssetLookup {
  replace(next: AssetLookup): void;
}

export function reloadableAssetLookup(initial: AssetLookup): ReloadableAssetLookup {
  let current = initial;
  return {
    byIp: (v4, v6) => current.byIp(v4, v6),
    byResource: (id) => current.byResource(id),
    lookup: (v4, v6, interfaceId) => current.lookup(v4, v6, interfaceId),
    get size() {
      return current.size;
    },
    replace(next) {
      current = next;
    },
  };
}
