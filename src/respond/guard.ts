// What responders must never touch unless the operator says so: private and other non-global
// addresses, our own assets (the inventory, synced Sakura servers included), trusted intel, and
// the allow-list. The answer is a reason, recorded with the refused action.

import { isPrivateIp, parseIp } from '../core/ip.ts';
import type { AssetLookup, IntelLookup } from '../engine/lookups.ts';
import { cidrContainsText, parseCidr } from '../findings/cidr.ts';
import type { RespondConfig } from './config.ts';

export interface GuardDeps {
  protect: RespondConfig['protect'];
  assets: AssetLookup;
  intel: IntelLookup;
}

/** Null when the address may be acted on, else why not. */
export function refusalReason(ip: string, deps: GuardDeps): string | null {
  const a = parseIp(ip);
  if (a === null) return `${ip} is not an IP address`;
  const allow = deps.protect.allowList.find((c) => {
    const cidr = parseCidr(c);
    return cidr !== null && cidrContainsText(cidr, ip);
  });
  if (allow !== undefined) return `${ip} is on respond.protect.allowList (${allow})`;
  if (deps.protect.privateRanges && isPrivateIp(a.v4, a.v6))
    return `${ip} is a private or non-global address (respond.protect.privateRanges)`;
  if (deps.protect.trusted && deps.intel.isTrusted(a.v4, a.v6)) return `${ip} is on a trusted list`;
  if (deps.protect.ownAssets) {
    const asset = deps.assets.lookup(a.v4, a.v6, null);
    if (asset !== null) return `${ip} is our own asset ${asset.name}`;
  }
  return null;
}
