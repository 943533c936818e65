// An intel lookup whose lists can be swapped while detection runs: `serve` reloads it when a list
// is added or removed through the API, the CLI (which signals the server) or SIGHUP, so a new
// threat list takes effect on the next record instead of at the next start.

import type { IntelLookup } from '../engine/lookups.ts';

export interface ReloadableIntelLookup extends IntelLookup {
  replace(next: IntelLookup): void;
}

export function reloadableIntelLookup(initial: IntelLookup): ReloadableIntelLookup {
  let current = initial;
  return {
    match: (v4, v6) => current.match(v4, v6),
    isTrusted: (v4, v6) => current.isTrusted(v4, v6),
    replace(next) {
      current = next;
    },
  };
}
