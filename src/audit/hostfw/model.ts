// One model for both host firewalls (iptables-save and nft list ruleset), so the checks and the
// compose cross-check read them the same way.

export type Verdict = 'accept' | 'drop' | 'reject' | 'return' | 'jump' | 'goto' | 'none';

export interface HostRule {
  line: number;
  text: string;
  /** IANA number or 'all'. */
  protocol: number | 'all';
  /** Destination port ranges; null when the rule matches every port. */
  dports: { from: number; to: number }[] | null;
  /** Source CIDRs; null when any source matches. Named sets appear as `@name`. */
  sources: string[] | null;
  /** Matches that narrow the rule in ways the checks do not model (interface, conntrack state, marks...). */
  restrictions: string[];
  verdict: Verdict;
  /** Chain named by jump/goto. */
  target?: string;
}

export interface HostChain {
  /** Table-qualified name: `filter/INPUT`, `inet filter/input`. */
  id: string;
  name: string;
  /** Netfilter hook of a base chain (`input`, `forward`...); null for user chains. */
  hook: string | null;
  policy: 'accept' | 'drop' | null;
  line: number;
  rules: HostRule[];
}

export interface HostRuleset {
  file: string;
  format: 'iptables' | 'nft';
  /** Address families the rules filter: an `-s`-less rule covers `0.0.0.0/0`, `::/0` or both. */
  families: ('ipv4' | 'ipv6')[];
  chains: HostChain[];
}

/** The rule matches every packet (no protocol, port, source or other restriction). */
export function isUnconditional(r: HostRule): boolean {
  return r.protocol === 'all' && r.dports === null && r.sources === null && r.restrictions.length === 0;
}

export function findChain(set: HostRuleset, from: HostChain, name: string): HostChain | undefined {
  const table = from.id.slice(0, from.id.lastIndexOf('/'));
  return set.chains.find((c) => c.id === `${table}/${name}`);
}

/**
 * Interfaces that carry only local or container/VPN traffic: a rule limited to them is not an
 * exposure. Any other interface name (eth0, ens3, enp0s3...) may face the internet.
 */
export function isInternalInterface(name: string): boolean {
  return /^(lo|docker|br-|virbr|tun|tap|wg|cni|flannel|cali|veth|tailscale|zt|lxc|lxd|kube|cilium|podman)/.test(
    name.replace(/^"|"$/g, ''),
  );
}

/** A conntrack state match that still admits new connections does not narrow an exposure. */
export function stateAdmitsNew(states: string): boolean {
  return /\b(new|untracked)\b/i.test(states);
}

/** The "any source" CIDRs of a ruleset's families. */
export function anySources(set: HostRuleset): string[] {
  return set.families.map((f) => (f === 'ipv4' ? '0.0.0.0/0' : '::/0'));
}
