// Naming a finding's hosts from the asset inventory: the resource always gets its name, tags,
// owner and zone (null and [] when the inventory does not list it); the actor gets them only when
// the inventory lists it too (an inventoried host attacking another one). The zone comes from a
// `zone:<name>` tag, the form Sakura Cloud inventory sync writes and an inventory file may use.

import { parseIp } from '../core/ip.ts';
import type { Asset, AssetLookup } from '../engine/lookups.ts';
import type { AssetFields, Endpoint, FindingActor } from './finding.ts';

const ZONE_TAG = 'zone:';

export function zoneOf(tags: readonly string[]): string | null {
  for (const t of tags)
    if (t.startsWith(ZONE_TAG) && t.length > ZONE_TAG.length) return t.slice(ZONE_TAG.length);
  return null;
}

function lookupAsset(assets: AssetLookup, ip: string, interfaceId: string | null): Asset | null {
  const a = parseIp(ip);
  return a ? assets.lookup(a.v4, a.v6, interfaceId) : null;
}

export function resourceAssetFields(
  assets: AssetLookup,
  ip: string,
  interfaceId: string | null,
): Required<AssetFields> {
  const asset = lookupAsset(assets, ip, interfaceId);
  if (!asset) return { name: null, tags: [], owner: null, zone: null };
  return { name: asset.name, tags: [...asset.tags], owner: asset.owner, zone: zoneOf(asset.tags) };
}

export function namedActor(assets: AssetLookup, actor: Endpoint): FindingActor {
  const asset = lookupAsset(assets, actor.ip, null);
  if (!asset) return { ip: actor.ip, port: actor.port };
  return {
    ip: actor.ip,
    port: actor.port,
    name: asset.name,
    tags: [...asset.tags],
    owner: asset.owner,
    zone: zoneOf(asset.tags),
  };
}
