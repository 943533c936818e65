// Which channels a finding goes to: the union of the channels of every route it matches.

import { cidrContainsText, parseCidr, type Cidr } from '../findings/cidr.ts';
import type { Finding } from '../findings/finding.ts';
import { globToRegExp } from '../findings/glob.ts';
import type { RouteConfig } from './config.ts';

export interface CompiledRoute {
  name: string;
  minSeverity: number;
  types: RegExp[];
  excludeTypes: RegExp[];
  resourceTags: string[];
  actors: Cidr[];
  channels: string[];
}

export function compileRoutes(routes: readonly RouteConfig[]): CompiledRoute[] {
  return routes.map((r, i) => ({
    name: r.name ?? `route ${i + 1}`,
    minSeverity: r.minSeverity,
    types: r.types.map(globToRegExp),
    excludeTypes: r.excludeTypes.map(globToRegExp),
    resourceTags: r.resourceTags,
    actors: r.actors.map((a) => parseCidr(a)).filter((c) => c !== null),
    channels: r.channels,
  }));
}

export function routeMatches(r: CompiledRoute, f: Finding, resourceTags: readonly string[]): boolean {
  if (f.severity < r.minSeverity) return false;
  if (r.types.length > 0 && !r.types.some((g) => g.test(f.type))) return false;
  if (r.excludeTypes.some((g) => g.test(f.type))) return false;
  if (r.resourceTags.length > 0 && !r.resourceTags.some((t) => resourceTags.includes(t))) return false;
  if (r.actors.length > 0 && !r.actors.some((c) => cidrContainsText(c, f.actor.ip))) return false;
  return true;
}

/** Channel name -> the first route that sent the finding there. */
export function matchChannels(
  routes: readonly CompiledRoute[],
  f: Finding,
  resourceTags: readonly string[],
): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of routes) {
    if (!routeMatches(r, f, resourceTags)) continue;
    for (const c of r.channels) if (!out.has(c)) out.set(c, r.name);
  }
  return out;
}
