// Sakura Cloud packet filters and VPC/VPN-router firewalls, in the older `sakuracloud` provider's
// repeated `expression { }` blocks and the newer `sakura` provider's `expression = [{ }]` lists.
// Expressions are evaluated top-down, the first match decides, and unmatched traffic passes.

import { type FirewallRule, firewallFindings } from '../checks/firewall.ts';
import { makeFinding } from '../checks/finding.ts';
import { parseCidr, parseProtocol } from '../net.ts';
import type { AuditFinding, AuditRule } from '../types.ts';
import { type TfElement, type TfScope, type TfValue, UNKNOWN, attr, elements, value } from './evaluate.ts';
import { collectRefs } from './hcl.ts';
import { type TfModule, type TfResource, refTarget } from './module.ts';

const FILTERS = new Set([
  'sakuracloud_packet_filter',
  'sakuracloud_packet_filter_rules',
  'sakura_packet_filter',
  'sakura_packet_filter_rules',
]);
const ROUTERS = new Set(['sakuracloud_vpc_router', 'sakura_vpn_router', 'sakura_vpc_router']);

function text(v: TfValue | undefined): string | null {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  return null;
}

function portRange(t: string): { from: number; to: number } | null | 'unknown' {
  if (t === '') return null;
  const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(t);
  if (!m) return 'unknown';
  const from = Number(m[1]);
  const to = m[2] ? Number(m[2]) : from;
  return { from, to };
}

function expressionRule(
  res: TfResource,
  el: TfElement,
  moduleScope: TfScope,
  direction: 'ingress' | 'egress',
  peerKey: string,
): FirewallRule | null {
  const scope = el.scope ?? moduleScope;
  const proto = text(value(el.body, 'protocol', scope));
  const protocol = proto === null ? null : parseProtocol(proto || 'ip');
  const src = text(value(el.body, peerKey, scope));
  const dport = text(value(el.body, 'destination_port', scope));
  const sport = text(value(el.body, 'source_port', scope));
  const allowValue = value(el.body, 'allow', scope);
  if (protocol === null || src === null || dport === null || sport === null || allowValue === UNKNOWN)
    return null;
  const ports = protocol === 'all' ? null : portRange(dport);
  if (ports === 'unknown') return null;
  const sports = portRange(sport);
  const replyOnly = sports !== null && (sports === 'unknown' || sports.from > 0 || sports.to < 65535);
  return {
    action: allowValue === false ? 'deny' : 'allow',
    exposure: { direction, protocol, ports, cidrs: [src === '' ? '0.0.0.0/0' : src] },
    replyOnly,
    file: res.file,
    line: el.line,
    endLine: el.endLine,
    resource: res.address,
    scope: { startLine: res.line, endLine: res.endLine },
  };
}

/** Packet filters attached to a server NIC on the shared (internet) segment. */
function publicFilters(mod: TfModule): Set<string> {
  const out = new Set<string>();
  for (const r of mod.resources) {
    if (r.type !== 'sakuracloud_server' && r.type !== 'sakura_server') continue;
    for (const nic of elements(r.body, 'network_interface')) {
      if (value(nic.body, 'upstream', mod.scope) !== 'shared') continue;
      const pf = attr(nic.body, 'packet_filter_id');
      for (const ref of pf ? collectRefs(pf.value) : []) out.add(refTarget(ref));
    }
  }
  return out;
}

/** Servers with a NIC on the shared (internet) segment and no packet filter on it. */
function unfilteredServers(mod: TfModule): AuditFinding[] {
  const out: AuditFinding[] = [];
  for (const r of mod.resources) {
    if (r.type !== 'sakuracloud_server' && r.type !== 'sakura_server') continue;
    for (const nic of elements(r.body, 'network_interface', mod.scope)) {
      if (value(nic.body, 'upstream', nic.scope ?? mod.scope) !== 'shared') continue;
      if (attr(nic.body, 'packet_filter_id')) continue;
      out.push(
        makeFinding(
          'SAKURA-SERVER-NO-PACKET-FILTER',
          {
            file: r.file,
            line: nic.line,
            endLine: nic.endLine,
            resource: r.address,
            scope: { startLine: r.line, endLine: r.endLine },
          },
          `${r.address} has an interface on the shared segment (a global address) with no packet_filter_id`,
        ),
      );
    }
  }
  return out;
}

export function auditSakura(mod: TfModule): { findings: AuditFinding[]; rules: AuditRule[] } {
  const findings: AuditFinding[] = unfilteredServers(mod);
  const rules: AuditRule[] = [];
  const publics = publicFilters(mod);
  const keep = (set: FirewallRule[]): void => {
    for (const r of set)
      if (r.action === 'allow' && !r.replyOnly)
        rules.push({
          file: r.file,
          line: r.line,
          endLine: r.endLine,
          resource: r.resource,
          exposure: r.exposure,
          text: '',
        });
  };
  for (const res of mod.resources) {
    if (FILTERS.has(res.type)) {
      const set = elements(res.body, 'expression', mod.scope)
        .map((el) => expressionRule(res, el, mod.scope, 'ingress', 'source_network'))
        .filter((r): r is FirewallRule => r !== null);
      const target = res.type.endsWith('_rules')
        ? refTarget(
            collectRefs(
              attr(res.body, 'packet_filter_id')?.value ?? { type: 'literal', value: null, line: 0 },
            )[0] ?? '',
          )
        : res.address;
      findings.push(
        ...firewallFindings({
          semantics: 'first-match',
          stateless: true,
          rules: set,
          publicAddress: publics.has(target),
        }),
      );
      keep(set);
      const denyAll = set.some(
        (r) =>
          r.action === 'deny' &&
          r.exposure.protocol === 'all' &&
          parseCidr(r.exposure.cidrs[0] ?? '').scope === 'any',
      );
      const separateRules =
        !res.type.endsWith('_rules') &&
        mod.resources.some(
          (o) =>
            FILTERS.has(o.type) &&
            o.type.endsWith('_rules') &&
            o.body.attributes.some(
              (a) =>
                a.name === 'packet_filter_id' &&
                collectRefs(a.value).some((x) => refTarget(x) === res.address),
            ),
        );
      if (!denyAll && !separateRules && set.length > 0)
        findings.push(
          makeFinding(
            'SAKURA-PF-NO-DEFAULT-DENY',
            {
              file: res.file,
              line: res.line,
              endLine: res.line,
              resource: res.address,
              scope: { startLine: res.line, endLine: res.endLine },
            },
            `${res.address} has no final deny-all expression, so traffic it does not list passes`,
          ),
        );
    } else if (ROUTERS.has(res.type)) {
      for (const fw of elements(res.body, 'firewall', mod.scope)) {
        const dir = value(fw.body, 'direction', fw.scope ?? mod.scope) === 'send' ? 'egress' : 'ingress';
        const peer = dir === 'ingress' ? 'source_network' : 'destination_network';
        const set = elements(fw.body, 'expression', fw.scope ?? mod.scope)
          .map((el) => expressionRule(res, el, mod.scope, dir, peer))
          .filter((r): r is FirewallRule => r !== null);
        // Only inbound rules expose services; outbound "allow all" is the router's normal default.
        if (dir === 'ingress') {
          findings.push(...firewallFindings({ semantics: 'first-match', stateless: false, rules: set }));
          keep(set);
        }
      }
    }
  }
  return { findings, rules };
}
