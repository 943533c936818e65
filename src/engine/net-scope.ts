// Which addresses are "ours". Default: RFC 1918 and the other private ranges (core/ip.ts), plus
// configured internal CIDRs, plus the addresses of the asset inventory (a Sakura server's public
// address on the shared segment is ours once `sakura sync` lists it); configured external CIDRs
// win over all of them (the lab data puts the attackers in 10.200.0.0/24, so the eval declares
// them external).

import { z } from 'zod';
import { isPrivateIp, parseIpv6Groups } from '../core/ip.ts';
import { UserError } from '../core/errors.ts';
import { cidrContainsV4, cidrContainsV6, parseCidr, type Cidr } from '../findings/cidr.ts';

export const netScopeSchema = z
  .object({
    /** Extra ranges that are ours (public ranges we own). */
    internalCidrs: z.array(z.string()).default([]),
    /** Ranges never treated as ours, even when private (partners over VPN, lab attackers). */
    externalCidrs: z.array(z.string()).default([]),
  })
  .default({ internalCidrs: [], externalCidrs: [] });
export type NetScopeConfig = z.infer<typeof netScopeSchema>;

export interface NetScope {
  isInternal(v4: number, v6: string | null): boolean;
}

function parseAll(list: readonly string[], field: string): Cidr[] {
  return list.map((t) => {
    const c = parseCidr(t);
    if (!c)
      throw new UserError(`invalid CIDR "${t}" in ${field}`, {
        hint: 'write ranges as 10.0.0.0/8 or 2001:db8::/32',
      });
    return c;
  });
}

/** `isAsset`: whether the inventory lists the address (asset addresses are ours). */
export function createNetScope(
  config: NetScopeConfig,
  isAsset: (v4: number, v6: string | null) => boolean = () => false,
): NetScope {
  const internal = parseAll(config.internalCidrs, 'internalCidrs');
  const external = parseAll(config.externalCidrs, 'externalCidrs');
  const v4Only = internal.every((c) => c.family === 4) && external.every((c) => c.family === 4);
  return {
    isInternal(v4, v6) {
      if (v6 === null) {
        for (const c of external) if (cidrContainsV4(c, v4)) return false;
        if (isPrivateIp(v4, null)) return true;
        for (const c of internal) if (cidrContainsV4(c, v4)) return true;
        return isAsset(v4, null);
      }
      if (v4Only) return isPrivateIp(0, v6) || isAsset(0, v6);
      const g = parseIpv6Groups(v6);
      if (g) for (const c of external) if (cidrContainsV6(c, g)) return false;
      if (isPrivateIp(0, v6)) return true;
      if (g) for (const c of internal) if (cidrContainsV6(c, g)) return true;
      return isAsset(0, v6);
    },
  };
}
