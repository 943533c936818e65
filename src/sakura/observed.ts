// Confirming display-only addresses (UserIPAddress on private switches) from observed traffic:
// an address that appears as the source or destination of stored flows is really in use.

import { parseIpv4 } from '../core/ip.ts';
import type { FlowStore } from '../store/store.ts';
import type { ObservedAddresses } from './inventory.ts';

const CHUNK = 500;

export function storeObserved(store: Pick<FlowStore, 'all'>): ObservedAddresses {
  return async (ips) => {
    const seen = new Set<string>();
    const v4 = ips.filter((ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip));
    for (let i = 0; i < v4.length; i += CHUNK) {
      const part = v4.slice(i, i + CHUNK);
      const marks = part.map(() => '?').join(', ');
      const values = part.map((ip) => parseIpv4(ip));
      const rows = await store.all(
        `SELECT DISTINCT ip FROM (
           SELECT src_ip4 AS ip FROM flows WHERE src_ip4 IN (${marks})
           UNION ALL SELECT dst_ip4 AS ip FROM flows WHERE dst_ip4 IN (${marks}))`,
        [...values, ...values],
      );
      const found = new Set(rows.map((r) => Number(r.ip)));
      for (const ip of part) if (found.has(parseIpv4(ip))) seen.add(ip);
    }
    return seen;
  };
}
