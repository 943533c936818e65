// Posture from the live API: the packet filters and VPC/VPN-router firewalls that are actually
// in force, audited with the same checks as the Terraform files (audit/checks, and the model of
// audit/terraform/sakura.ts): exposures per rule (first match wins; packet filters are stateless,
// router firewalls stateful), packet filters without a final deny-all, servers on the shared
// segment without a packet filter, and router rules with logging off. A finding's `file` is the
// resource's API path and its `line` the rule's 1-based position, so the audit output formats
// work unchanged.

import type { AuditReport } from '../audit/audit.ts';
import { CHECKS } from '../audit/checks/definitions.ts';
import { makeFinding } from '../audit/checks/finding.ts';
import { type FirewallRule, firewallFindings } from '../audit/checks/firewall.ts';
import { parseCidr, parseProtocol } from '../audit/net.ts';
import type { AuditFinding, AuditRule } from '../audit/types.ts';
import type { SakuraClient } from './client.ts';
import { type SakuraSnapshot, upstreamOf } from './inventory.ts';
import { type PacketFilterJson, type RouterFirewallRule, idText } from './types.ts';

export interface PostureInput {
  snapshots: readonly SakuraSnapshot[];
  /** Zone → its packet filters. */
  packetFilters: ReadonlyMap<string, readonly PacketFilterJson[]>;
}

export async function fetchPacketFilters(client: SakuraClient): Promise<Map<string, PacketFilterJson[]>> {
  const out = new Map<string, PacketFilterJson[]>();
  for (const zone of client.zones)
    out.set(zone, await client.findAll<PacketFilterJson>(zone, 'packetfilter', 'PacketFilters'));
  return out;
}

function ports(text: string | undefined): { from: number; to: number } | null | 'unknown' {
  const t = (text ?? '').trim();
  if (t === '') return null;
  const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(t);
  if (!m) return 'unknown';
  return { from: Number(m[1]), to: Number(m[2] ?? m[1]) };
}

/** One API rule as the checks see it; null when it cannot be an exposure (fragments, odd ports). */
function toRule(
  r: RouterFirewallRule,
  at: { file: string; line: number; resource: string; count: number },
  direction: 'ingress' | 'egress',
): FirewallRule | null {
  let proto = (r.Protocol ?? '').toLowerCase() || 'ip';
  let dport = r.DestinationPort;
  // Inferred: `http` / `https` in packet filters are TCP to 80 / 443.
  if (proto === 'http' || proto === 'https') {
    dport = dport === undefined || dport === '' ? (proto === 'http' ? '80' : '443') : dport;
    proto = 'tcp';
  }
  const protocol = parseProtocol(proto);
  if (protocol === null) return null;
  const p = protocol === 'all' ? null : ports(dport);
  if (p === 'unknown') return null;
  const sp = ports(r.SourcePort);
  const peer = (direction === 'ingress' ? r.SourceNetwork : r.DestinationNetwork)?.trim() ?? '';
  return {
    action: (r.Action ?? '').toLowerCase() === 'deny' ? 'deny' : 'allow',
    exposure: { direction, protocol, ports: p, cidrs: [peer === '' ? '0.0.0.0/0' : peer] },
    replyOnly: sp !== null && (sp === 'unknown' || sp.from > 0 || sp.to < 65535),
    file: at.file,
    line: at.line,
    endLine: at.line,
    resource: at.resource,
    scope: { startLine: 1, endLine: at.count },
  };
}

const isDenyAll = (r: FirewallRule): boolean =>
  r.action === 'deny' &&
  r.exposure.protocol === 'all' &&
  parseCidr(r.exposure.cidrs[0] ?? '').scope === 'any';

function keepAllows(rules: readonly FirewallRule[], into: AuditRule[]): void {
  for (const r of rules)
    if (r.action === 'allow' && !r.replyOnly)
      into.push({
        file: r.file,
        line: r.line,
        endLine: r.endLine,
        resource: r.resource,
        exposure: r.exposure,
        text: '',
      });
}

export function auditSakuraApi(input: PostureInput): AuditReport {
  const findings: AuditFinding[] = [];
  const rules: AuditRule[] = [];
  const files: AuditReport['files'] = [];
  for (const snap of input.snapshots) {
    const zone = snap.zone;
    const publicFilters = new Set<string>();
    for (const s of snap.servers)
      for (const [i, nic] of (s.Interfaces ?? []).entries()) {
        if (upstreamOf(nic) !== 'shared') continue;
        const pf = idText(nic.PacketFilter?.ID);
        if (pf !== '') {
          publicFilters.add(pf);
          continue;
        }
        const file = `sakura-api://${zone}/server/${idText(s.ID)}`;
        files.push({ file, kind: 'terraform' });
        findings.push(
          makeFinding(
            'SAKURA-SERVER-NO-PACKET-FILTER',
            { file, line: i + 1, endLine: i + 1, resource: `server ${s.Name ?? idText(s.ID)}` },
            `server ${s.Name ?? idText(s.ID)} (${zone}) has interface ${i} on the shared segment (${nic.IPAddress ?? 'no address'}) with no packet filter`,
          ),
        );
      }
    for (const pf of input.packetFilters.get(zone) ?? []) {
      const id = idText(pf.ID);
      const file = `sakura-api://${zone}/packetfilter/${id}`;
      const resource = `packet filter ${pf.Name ?? id}`;
      files.push({ file, kind: 'terraform' });
      const exprs = pf.Expression ?? [];
      const set = exprs
        .map((e, i) => toRule(e, { file, line: i + 1, resource, count: exprs.length }, 'ingress'))
        .filter((r): r is FirewallRule => r !== null);
      findings.push(
        ...firewallFindings({
          semantics: 'first-match',
          stateless: true,
          rules: set,
          publicAddress: publicFilters.has(id),
        }),
      );
      keepAllows(set, rules);
      if (set.length > 0 && !set.some(isDenyAll))
        findings.push(
          makeFinding(
            'SAKURA-PF-NO-DEFAULT-DENY',
            { file, line: exprs.length, endLine: exprs.length, resource },
            `${resource} (${zone}) has no final deny-all expression, so traffic it does not list passes`,
          ),
        );
    }
    for (const r of snap.routers) {
      const id = idText(r.ID);
      const resource = `router ${r.Name ?? id}`;
      const config = r.Settings?.Router?.Firewall?.Config ?? [];
      config.forEach((nicRules, nic) => {
        for (const [direction, list] of [
          ['ingress', nicRules.Receive ?? []],
          ['egress', nicRules.Send ?? []],
        ] as const) {
          const file = `sakura-api://${zone}/appliance/${id}/firewall/${nic}/${direction === 'ingress' ? 'receive' : 'send'}`;
          if (list.length === 0) continue;
          files.push({ file, kind: 'terraform' });
          const set = list
            .map((e, i) => toRule(e, { file, line: i + 1, resource, count: list.length }, direction))
            .filter((x): x is FirewallRule => x !== null);
          // Only inbound rules expose services; outbound "allow all" is the router's normal default.
          if (direction === 'ingress') {
            findings.push(...firewallFindings({ semantics: 'first-match', stateless: false, rules: set }));
            keepAllows(set, rules);
          }
          list.forEach((rule, i) => {
            if ((rule.Logging ?? 'False').toLowerCase() !== 'true')
              findings.push(
                makeFinding(
                  'SAKURA-ROUTER-FW-LOGGING-OFF',
                  { file, line: i + 1, endLine: i + 1, resource },
                  `${resource} (${zone}) NIC ${nic} ${direction === 'ingress' ? 'receive' : 'send'} rule ${i + 1} (${rule.Action ?? '?'} ${rule.Protocol ?? 'ip'}${rule.DestinationPort ? ` ${rule.DestinationPort}` : ''}) has logging off`,
                ),
              );
          });
        }
      });
    }
  }
  findings.sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.checkId.localeCompare(b.checkId),
  );
  const unique = [...new Map(files.map((f) => [f.file, f])).values()];
  return { version: 1, files: unique, findings, rules, problems: [], checks: CHECKS };
}
