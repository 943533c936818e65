// For tests that build network namespaces and nftables rules: why they cannot run here, or null.
// A missing binary fails CI (SAKURA_GUARD_REQUIRE_SERVERS=1, which installs it) when CI runs as
// root; a machine that is not root skips with the reason.

import { existsSync } from 'node:fs';

const has = (bin: string): boolean =>
  ['/usr/sbin/', '/sbin/', '/usr/bin/', '/bin/'].some((d) => existsSync(d + bin));

export function namespaceSkipReason(): string | null {
  const why =
    process.getuid?.() !== 0
      ? 'not running as root (network namespaces and nftables need it)'
      : !has('ip')
        ? 'ip (iproute2) is not installed'
        : !has('nft')
          ? 'nft is not installed (apt-get install nftables)'
          : null;
  if (why !== null && process.env.SAKURA_GUARD_REQUIRE_SERVERS === '1' && process.getuid?.() === 0)
    throw new Error(`SAKURA_GUARD_REQUIRE_SERVERS=1 but ${why}`);
  return why;
}
