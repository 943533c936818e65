// AWS network ACLs: inline rules of aws_network_acl / aws_default_network_acl and separate
// aws_network_acl_rule resources, evaluated per address family in rule-number order (first match).

import { coversPort, coversProtocol } from '../checks/firewall.ts';
import { makeFinding } from '../checks/finding.ts';
import { PROTO_TCP, parseCidr, parseProtocol } from '../net.ts';
import type { AuditFinding } from '../types.ts';
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
import { collectRefs } from './hcl.ts';
import { type TfModule, type TfResource, refTarget } from './module.ts';

const num = (v: TfValue | undefined): number | null => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
  return null;
};

const texts = (v: TfValue | undefined): string[] =>
  stringList(v).filter((x): x is string => x !== UNKNOWN && x !== '');

function firstRef(res: TfResource, name: string): string | undefined {
  const a = attr(res.body, name);
  return a ? collectRefs(a.value)[0] : undefined;
}

interface NaclRule {
  number: number;
  allow: boolean;
  egress: boolean;
  protocol: number | 'all';
  ports: { from: number; to: number } | null;
  cidr: string;
  line: number;
  endLine: number;
  file: string;
}

function naclRuleFrom(
  el: TfElement,
  file: string,
  moduleScope: TfScope,
  keys: { number: string; action: string },
  egress: boolean,
): NaclRule | null {
  const scope = el.scope ?? moduleScope;
  const n = num(value(el.body, keys.number, scope));
  const action = value(el.body, keys.action, scope);
  const protoRaw = value(el.body, 'protocol', scope);
  const protocol =
    typeof protoRaw === 'string' || typeof protoRaw === 'number' ? parseProtocol(protoRaw) : null;
  const cidr =
    texts(value(el.body, 'cidr_block', scope))[0] ?? texts(value(el.body, 'ipv6_cidr_block', scope))[0];
  if (n === null || (action !== 'allow' && action !== 'deny') || protocol === null || !cidr) return null;
  const from = num(value(el.body, 'from_port', scope));
  const to = num(value(el.body, 'to_port', scope));
  const ports = protocol === 'all' || from === null || to === null ? null : { from, to };
  return {
    number: n,
    allow: action === 'allow',
    egress,
    protocol,
    ports,
    cidr,
    line: el.line,
    endLine: el.endLine,
    file,
  };
}

export function naclFindings(mod: TfModule): AuditFinding[] {
  const acls = new Map<string, { res: TfResource; rules: NaclRule[] }>();
  for (const res of mod.resources) {
    if (res.type === 'aws_network_acl' || res.type === 'aws_default_network_acl') {
      const rules: NaclRule[] = [];
      for (const dir of ['ingress', 'egress'] as const)
        for (const el of elements(res.body, dir, mod.scope)) {
          const r = naclRuleFrom(
            el,
            res.file,
            mod.scope,
            { number: 'rule_no', action: 'action' },
            dir === 'egress',
          );
          if (r) rules.push(r);
        }
      const prev = acls.get(res.address);
      acls.set(res.address, { res, rules: [...(prev?.rules ?? []), ...rules] });
    }
  }
  for (const res of mod.resources) {
    if (res.type !== 'aws_network_acl_rule') continue;
    const target = refTarget(firstRef(res, 'network_acl_id') ?? res.address);
    const egress = value(res.body, 'egress', mod.scope) === true;
    const r = naclRuleFrom(
      { body: res.body, line: res.line, endLine: res.endLine },
      res.file,
      mod.scope,
      { number: 'rule_number', action: 'rule_action' },
      egress,
    );
    if (!r) continue;
    const entry = acls.get(target) ?? { res, rules: [] };
    entry.rules.push(r);
    acls.set(target, entry);
  }
  const out: AuditFinding[] = [];
  for (const [address, { rules }] of acls) {
    const ingress = rules.filter((r) => !r.egress).sort((a, b) => a.number - b.number);
    const at = (r: NaclRule) => ({ file: r.file, line: r.line, endLine: r.endLine, resource: address });
    for (const [port, id] of [
      [22, 'AWS-NACL-SSH-OPEN'],
      [3389, 'AWS-NACL-RDP-OPEN'],
    ] as const) {
      for (const family of [4, 6]) {
        const first = ingress.find((r) => {
          const c = parseCidr(r.cidr);
          return (
            c.family === family &&
            c.scope === 'any' &&
            coversProtocol(r.protocol, PROTO_TCP) &&
            coversPort(r.ports, port)
          );
        });
        if (first?.allow && first.protocol !== 'all')
          out.push(
            makeFinding(
              id,
              at(first),
              `${address} rule ${first.number} allows TCP ${port} from ${first.cidr} before any deny`,
            ),
          );
      }
    }
    for (const r of ingress) {
      const c = parseCidr(r.cidr);
      const all = r.protocol === 'all' || (r.ports !== null && r.ports.from <= 1 && r.ports.to >= 65535);
      if (!r.allow || c.scope !== 'any' || !all) continue;
      const denyAllBefore = ingress.some(
        (d) =>
          d.number < r.number &&
          !d.allow &&
          d.protocol === 'all' &&
          parseCidr(d.cidr).scope === 'any' &&
          parseCidr(d.cidr).family === c.family,
      );
      if (!denyAllBefore)
        out.push(
          makeFinding(
            'AWS-NACL-ALL-OPEN',
            at(r),
            `${address} rule ${r.number} allows all traffic from ${r.cidr}`,
          ),
        );
    }
  }
  return out;
}
