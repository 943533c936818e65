// The exposure checks shared by every rule-based firewall written in Terraform: AWS security
// groups (a union of allows), Sakura packet filters and VPC-router firewalls (first match wins).

import {
  PROTO_TCP,
  hasPorts,
  parseCidr,
  describeTraffic,
  servicesIn,
  widestScope,
  type ServicePort,
} from '../net.ts';
import type { AuditFinding, NetExposure } from '../types.ts';
import type { CheckId } from './definitions.ts';
import { type Location, makeFinding } from './finding.ts';

export interface FirewallRule extends Location {
  action: 'allow' | 'deny';
  exposure: NetExposure;
  /** The rule only matches a fixed source port (replies of a stateless filter). */
  replyOnly?: boolean;
}

export interface RuleSet {
  /** `union`: any allow wins (security groups). `first-match`: the first matching rule decides. */
  semantics: 'union' | 'first-match';
  /** Stateless filters must open ephemeral ports for replies; those ranges are not exposures. */
  stateless: boolean;
  rules: FirewallRule[];
  /** The resource has a public address: database exposures become critical. */
  publicAddress?: boolean;
}

export function coversProtocol(rule: number | 'all', proto: number): boolean {
  return rule === 'all' || rule === proto;
}

export function coversPort(ports: NetExposure['ports'], port: number): boolean {
  return ports === null || (port >= ports.from && port <= ports.to);
}

/** Every protocol, or every port of a port protocol. */
export function isAllPorts(e: NetExposure): boolean {
  if (e.protocol === 'all') return true;
  if (!hasPorts(e.protocol)) return false;
  return e.ports === null || (e.ports.from <= 1 && e.ports.to >= 65535);
}

const isAnywhere = (e: NetExposure): boolean => widestScope(e.cidrs.map(parseCidr)) === 'any';

/** True when an earlier first-match deny from anywhere already drops TCP traffic to `port`. */
function shadowed(set: RuleSet, index: number, port: number): boolean {
  if (set.semantics !== 'first-match') return false;
  for (let i = 0; i < index; i++) {
    const r = set.rules[i]!;
    if (r.action !== 'deny' || r.exposure.direction !== 'ingress' || !isAnywhere(r.exposure)) continue;
    if (coversProtocol(r.exposure.protocol, PROTO_TCP) && coversPort(r.exposure.ports, port)) return true;
  }
  return false;
}

const isEphemeralRange = (p: { from: number; to: number }): boolean => p.from >= 1024 && p.to >= 60000;

export function firewallFindings(set: RuleSet): AuditFinding[] {
  const out: AuditFinding[] = [];
  set.rules.forEach((rule, index) => {
    if (rule.action !== 'allow' || rule.replyOnly) return;
    const e = rule.exposure;
    const scope = widestScope(e.cidrs.map(parseCidr));
    if (e.direction === 'egress') {
      if (scope === 'any' && e.protocol === 'all')
        out.push(
          makeFinding('NET-EGRESS-ALL', rule, `${rule.resource} allows all egress to ${e.cidrs.join(', ')}`, {
            exposure: e,
          }),
        );
      return;
    }
    if (scope === 'any') out.push(...internetFindings(set, index, rule));
    else if (scope === 'public-wide')
      out.push(
        makeFinding(
          'NET-WIDE-PUBLIC-SOURCE',
          rule,
          `${rule.resource} allows ${describeTraffic(e.protocol, e.ports)} from wide public network ${e.cidrs.join(', ')}`,
          { exposure: e },
        ),
      );
    else if (scope === 'private-wide') {
      const sensitive = sensitiveServices(e);
      if (sensitive.length > 0)
        out.push(
          makeFinding(
            'NET-WIDE-PRIVATE-SOURCE',
            rule,
            `${rule.resource} opens ${serviceList(sensitive)} to wide private network ${e.cidrs.filter((c) => parseCidr(c).scope === 'private-wide').join(', ')}`,
            { exposure: e },
          ),
        );
    }
  });
  return out;
}

function sensitiveServices(e: NetExposure): ServicePort[] {
  if (!coversProtocol(e.protocol, PROTO_TCP)) return [];
  const range = e.ports ?? { from: 0, to: 65535 };
  return servicesIn(range.from, range.to).filter((s) => s.category !== 'web');
}

const serviceList = (s: ServicePort[]): string => s.map((x) => `${x.name} (${x.port})`).join(', ');

function internetFindings(set: RuleSet, index: number, rule: FirewallRule): AuditFinding[] {
  const e = rule.exposure;
  const from = e.cidrs.filter((c) => parseCidr(c).scope === 'any').join(', ');
  const where = `${rule.resource} allows ${describeTraffic(e.protocol, e.ports)} from ${from}`;
  if (isAllPorts(e)) return [makeFinding('NET-ALL-PORTS-OPEN', rule, where, { exposure: e })];
  if (!hasPorts(e.protocol)) return [makeFinding('NET-PROTOCOL-OPEN', rule, where, { exposure: e })];
  const range = e.ports ?? { from: 0, to: 65535 };
  const services =
    e.protocol === PROTO_TCP
      ? servicesIn(range.from, range.to).filter((s) => !shadowed(set, index, s.port))
      : [];
  const out: AuditFinding[] = [];
  const byCheck = new Map<CheckId, ServicePort[]>();
  for (const s of services) {
    const id: CheckId =
      s.category === 'ssh'
        ? 'NET-SSH-OPEN'
        : s.category === 'rdp'
          ? 'NET-RDP-OPEN'
          : s.category === 'admin'
            ? 'NET-ADMIN-PORT-OPEN'
            : s.category === 'database'
              ? 'NET-DATABASE-PORT-OPEN'
              : 'NET-PORT-OPEN';
    byCheck.set(id, [...(byCheck.get(id) ?? []), s]);
  }
  for (const [id, list] of byCheck) {
    if (id === 'NET-PORT-OPEN') continue;
    const severity = id === 'NET-DATABASE-PORT-OPEN' && set.publicAddress ? 'critical' : undefined;
    const msg = `${rule.resource} opens ${serviceList(list)} to ${from}${severity ? ' on a resource with a public IP address' : ''}`;
    // The finding's exposure covers only its own services, so the traffic join matches their ports.
    const own: NetExposure = { ...e, ports: { from: list[0]!.port, to: list[list.length - 1]!.port } };
    out.push(makeFinding(id, rule, msg, severity ? { exposure: own, severity } : { exposure: own }));
  }
  // Whatever the named checks did not cover is an "other port" exposure.
  if (range.from === range.to) {
    const s = servicesIn(range.from, range.from)[0];
    if (e.protocol === PROTO_TCP && shadowed(set, index, range.from)) return out;
    if (s && e.protocol === PROTO_TCP && s.category !== 'web') return out;
    const low = s?.category === 'web' && e.protocol === PROTO_TCP;
    out.push(
      makeFinding('NET-PORT-OPEN', rule, where, low ? { exposure: e, severity: 'low' } : { exposure: e }),
    );
    return out;
  }
  if (set.stateless && isEphemeralRange(range)) return out;
  if (shadowedRange(set, index, range)) return out;
  out.push(makeFinding('NET-PORT-OPEN', rule, where, { exposure: e }));
  return out;
}

function shadowedRange(set: RuleSet, index: number, range: { from: number; to: number }): boolean {
  return (
    range.to - range.from < 64 &&
    Array.from({ length: range.to - range.from + 1 }, (_, i) => range.from + i).every((p) =>
      shadowed(set, index, p),
    )
  );
}
