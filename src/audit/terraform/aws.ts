// AWS networking in Terraform: security groups (inline blocks, aws_security_group_rule and the
// aws_vpc_security_group_*_rule resources), network ACLs in rule order, the default security
// group, unattached groups and VPCs without flow logs.

import { type FirewallRule, firewallFindings } from '../checks/firewall.ts';
import { makeFinding } from '../checks/finding.ts';
import { PROTO_TCP, parseProtocol } from '../net.ts';
import type { AuditFinding, AuditRule, NetExposure } from '../types.ts';
import {
  type TfElement,
  type TfScope,
  type TfValue,
  UNKNOWN,
  attr,
  elements,
  stringList,
  value,
} from './evaluate.ts';
import { naclFindings } from './aws-nacl.ts';
import { securityGroupModuleRules } from './aws-sg-module.ts';
import { collectRefs } from './hcl.ts';
import { type TfModule, type TfResource, refTarget } from './module.ts';

const SG_TYPES = new Set(['aws_security_group', 'aws_default_security_group']);
const RULE_TYPES = new Set([
  'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule',
]);

const num = (v: TfValue | undefined): number | null => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
  return null;
};

const texts = (v: TfValue | undefined): string[] =>
  stringList(v).filter((x): x is string => x !== UNKNOWN && x !== '');

/** Protocol and ports of an AWS rule; null when they cannot be resolved statically. */
function awsExposure(
  direction: 'ingress' | 'egress',
  protocolValue: TfValue | undefined,
  fromValue: TfValue | undefined,
  toValue: TfValue | undefined,
  cidrs: string[],
): NetExposure | null {
  const raw = typeof protocolValue === 'string' || typeof protocolValue === 'number' ? protocolValue : null;
  const protocol = raw === null ? null : parseProtocol(raw);
  if (protocol === null) return null;
  if (protocol !== 'all' && protocol !== PROTO_TCP && protocol !== 17 && protocol !== 132)
    return { direction, protocol, ports: null, cidrs };
  if (protocol === 'all') return { direction, protocol, ports: null, cidrs };
  const from = num(fromValue);
  const to = num(toValue);
  if (from === null || to === null) return null;
  // AWS: -1 (or an unset range) on a port protocol means every port; 0–0 on TCP is port 0 only.
  if (from === -1 || to === -1) return { direction, protocol, ports: null, cidrs };
  return { direction, protocol, ports: { from: Math.min(from, to), to: Math.max(from, to) }, cidrs };
}

function sgRule(
  res: TfResource,
  el: TfElement,
  direction: 'ingress' | 'egress',
  moduleScope: TfScope,
  sourceKeys: { protocol: string; cidrs: string[] },
): FirewallRule | null {
  const scope = el.scope ?? moduleScope;
  const cidrs = sourceKeys.cidrs.flatMap((k) => texts(value(el.body, k, scope)));
  const exposure = awsExposure(
    direction,
    value(el.body, sourceKeys.protocol, scope),
    value(el.body, 'from_port', scope),
    value(el.body, 'to_port', scope),
    cidrs,
  );
  if (!exposure) return null;
  return {
    action: 'allow',
    exposure,
    file: res.file,
    line: el.line,
    endLine: el.endLine,
    resource: res.address,
    scope: { startLine: res.line, endLine: res.endLine },
  };
}

export interface AwsResult {
  findings: AuditFinding[];
  rules: AuditRule[];
}

export function auditAws(mod: TfModule): AwsResult {
  const findings: AuditFinding[] = [];
  const rulesOut: AuditRule[] = [];
  const publicSgs = publicSecurityGroups(mod);
  const emit = (rules: FirewallRule[], sg: string): void => {
    findings.push(
      ...firewallFindings({ semantics: 'union', stateless: false, rules, publicAddress: publicSgs.has(sg) }),
    );
    for (const r of rules)
      rulesOut.push({
        file: r.file,
        line: r.line,
        endLine: r.endLine,
        resource: r.resource,
        exposure: r.exposure,
        text: '',
      });
  };
  const v4v6 = ['cidr_blocks', 'ipv6_cidr_blocks'];
  for (const res of mod.resources) {
    const at = { file: res.file, line: res.line, endLine: res.endLine, resource: res.address };
    if (SG_TYPES.has(res.type)) {
      const rules: FirewallRule[] = [];
      for (const dir of ['ingress', 'egress'] as const)
        for (const el of elements(res.body, dir, mod.scope)) {
          const r = sgRule(res, el, dir, mod.scope, { protocol: 'protocol', cidrs: v4v6 });
          if (r) rules.push(r);
        }
      emit(rules, res.address);
      if (
        res.type === 'aws_default_security_group' &&
        (elements(res.body, 'ingress', mod.scope).length > 0 ||
          elements(res.body, 'egress', mod.scope).length > 0)
      )
        findings.push(
          makeFinding(
            'AWS-DEFAULT-SG-HAS-RULES',
            { ...at, endLine: res.line },
            `${res.address} declares rules; the default security group should allow nothing`,
            {},
          ),
        );
    } else if (RULE_TYPES.has(res.type)) {
      const el: TfElement = { body: res.body, line: res.line, endLine: res.endLine };
      const sg = refTarget(firstRef(res, 'security_group_id') ?? '');
      let r: FirewallRule | null;
      if (res.type === 'aws_security_group_rule') {
        const t = value(res.body, 'type', mod.scope);
        if (t !== 'ingress' && t !== 'egress') continue;
        r = sgRule(res, el, t, mod.scope, { protocol: 'protocol', cidrs: v4v6 });
      } else {
        const dir = res.type.endsWith('ingress_rule') ? 'ingress' : 'egress';
        r = sgRule(res, el, dir, mod.scope, { protocol: 'ip_protocol', cidrs: ['cidr_ipv4', 'cidr_ipv6'] });
      }
      if (r) emit([r], sg);
    }
  }
  for (const call of mod.moduleCalls) {
    const rules = securityGroupModuleRules(call.block, call.file, mod.scope);
    if (rules.length > 0) emit(rules, `module.${call.block.labels[0] ?? ''}`);
  }
  findings.push(...naclFindings(mod), ...unattached(mod), ...flowLogs(mod));
  return { findings, rules: rulesOut };
}

function firstRef(res: TfResource, name: string): string | undefined {
  const a = attr(res.body, name);
  return a ? collectRefs(a.value)[0] : undefined;
}

/** Security groups attached to something with a public address (instance with a public IP or an EIP). */
function publicSecurityGroups(mod: TfModule): Set<string> {
  const eipTargets = new Set(
    mod.resources
      .filter((r) => r.type === 'aws_eip')
      .flatMap((r) =>
        ['instance', 'network_interface'].flatMap((k) =>
          attr(r.body, k) ? collectRefs(attr(r.body, k)!.value) : [],
        ),
      )
      .map(refTarget),
  );
  const out = new Set<string>();
  for (const r of mod.resources) {
    // Instances and interfaces with a public IP or an EIP; databases marked publicly accessible.
    const publicIp =
      value(r.body, 'associate_public_ip_address', mod.scope) === true ||
      value(r.body, 'publicly_accessible', mod.scope) === true ||
      eipTargets.has(r.address);
    if (!publicIp) continue;
    for (const k of ['vpc_security_group_ids', 'security_groups'])
      for (const ref of attr(r.body, k) ? collectRefs(attr(r.body, k)!.value) : []) out.add(refTarget(ref));
  }
  return out;
}

const ATTACHMENT_EXCLUDED = new Set([...SG_TYPES, ...RULE_TYPES]);

function unattached(mod: TfModule): AuditFinding[] {
  const used = new Set(
    mod.references.filter((r) => !ATTACHMENT_EXCLUDED.has(r.fromType)).map((r) => refTarget(r.ref)),
  );
  return mod.resources
    .filter((r) => r.type === 'aws_security_group' && !used.has(r.address))
    .map((r) =>
      makeFinding(
        'AWS-SG-UNATTACHED',
        {
          file: r.file,
          line: r.line,
          endLine: r.line,
          resource: r.address,
          scope: { startLine: r.line, endLine: r.endLine },
        },
        `${r.address} is not referenced by any instance, interface, load balancer, module or output in ${mod.dir}`,
      ),
    );
}

function flowLogs(mod: TfModule): AuditFinding[] {
  const logs = mod.resources.filter((r) => r.type === 'aws_flow_log');
  // A flow log whose VPC comes from a variable or a data source may be any VPC: assume it covers.
  if (
    logs.some(
      (l) =>
        (value(l.body, 'vpc_id', mod.scope) ?? UNKNOWN) === UNKNOWN &&
        !firstRef(l, 'vpc_id')?.startsWith('aws_vpc.'),
    )
  )
    return [];
  const covered = new Set(
    logs.flatMap((l) => (firstRef(l, 'vpc_id') ? [refTarget(firstRef(l, 'vpc_id')!)] : [])),
  );
  return mod.resources
    .filter((r) => r.type === 'aws_vpc' && !covered.has(r.address))
    .map((r) =>
      makeFinding(
        'AWS-VPC-NO-FLOW-LOGS',
        {
          file: r.file,
          line: r.line,
          endLine: r.line,
          resource: r.address,
          scope: { startLine: r.line, endLine: r.endLine },
        },
        `${r.address} has no aws_flow_log in ${mod.dir}`,
      ),
    );
}
