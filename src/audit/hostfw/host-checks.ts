// Checks over a host firewall: accept-by-default base chains and database ports accepted from any
// source, following jumps from INPUT in order and stopping at the first catch-all verdict.

import { makeFinding } from '../checks/finding.ts';
import { PROTO_TCP, parseCidr, servicesIn } from '../net.ts';
import type { AuditFinding, AuditRule } from '../types.ts';
import {
  type HostChain,
  type HostRule,
  type HostRuleset,
  anySources,
  findChain,
  isUnconditional,
} from './model.ts';

const MAX_JUMP_DEPTH = 8;

function baseChains(set: HostRuleset, hook: string): HostChain[] {
  return set.chains.filter((c) => c.hook === hook && c.policy !== null);
}

/** The chain's own verdict for traffic no rule decides: its last catch-all rule, else its policy. */
function endsWithDrop(c: HostChain): boolean {
  return c.rules.some((r) => isUnconditional(r) && (r.verdict === 'drop' || r.verdict === 'reject'));
}

/** True when packets reaching this hook are accepted unless a rule drops them. */
export function acceptsByDefault(set: HostRuleset, hook: string): HostChain | null {
  const chains = baseChains(set, hook);
  if (chains.length === 0) return null;
  // Every base chain on the hook must pass the packet; one dropping chain is enough.
  if (chains.some((c) => c.policy === 'drop' || endsWithDrop(c))) return null;
  return chains[0]!;
}

const sourceIsAny = (r: HostRule): boolean =>
  r.sources === null || r.sources.some((s) => !s.startsWith('@') && parseCidr(s).scope === 'any');

interface Reached {
  rule: HostRule;
  chain: HostChain;
}

/** Rules reachable from the hook's base chains, in evaluation order, up to a catch-all verdict. */
export function reachableRules(set: HostRuleset, hook: string): Reached[] {
  const out: Reached[] = [];
  const walk = (c: HostChain, depth: number): boolean => {
    for (const r of c.rules) {
      out.push({ rule: r, chain: c });
      if ((r.verdict === 'jump' || r.verdict === 'goto') && r.target && depth < MAX_JUMP_DEPTH) {
        const target = findChain(set, c, r.target);
        if (target && walk(target, depth + 1) && isUnconditional(r)) return true;
      }
      if (isUnconditional(r) && (r.verdict === 'accept' || r.verdict === 'drop' || r.verdict === 'reject'))
        return true;
      if (isUnconditional(r) && r.verdict === 'return') return false;
    }
    return false;
  };
  for (const c of baseChains(set, hook)) walk(c, 0);
  return out;
}

/** Earlier drop/reject of this TCP port from any source, in the same walk order. */
function droppedBefore(list: HostRule[], upto: HostRule, port: number): boolean {
  for (const r of list) {
    if (r === upto) return false;
    if (
      (r.verdict === 'drop' || r.verdict === 'reject') &&
      r.sources === null &&
      r.restrictions.length === 0
    ) {
      const proto = r.protocol === 'all' || r.protocol === PROTO_TCP;
      if (proto && (r.dports === null || r.dports.some((p) => port >= p.from && port <= p.to))) return true;
    }
  }
  return false;
}

export function hostFindings(set: HostRuleset): { findings: AuditFinding[]; rules: AuditRule[] } {
  const findings: AuditFinding[] = [];
  const rules: AuditRule[] = [];
  for (const hook of ['input', 'forward']) {
    const c = acceptsByDefault(set, hook);
    if (c)
      findings.push(
        makeFinding(
          'HOST-DEFAULT-ACCEPT',
          { file: set.file, line: c.line, endLine: c.line, resource: `chain ${c.id}` },
          `${c.id} (${hook}) accepts by default: policy accept and no catch-all drop`,
        ),
      );
  }
  const reached = reachableRules(set, 'input');
  const order = reached.map((x) => x.rule);
  for (const { rule, chain } of reached) {
    if (rule.verdict !== 'accept' || rule.restrictions.length > 0) continue;
    const tcp = rule.protocol === PROTO_TCP || rule.protocol === 'all';
    const ranges = rule.dports ?? [{ from: 0, to: 65535 }];
    if (rule.sources) {
      for (const s of rule.sources.filter((x) => !x.startsWith('@')))
        for (const p of ranges)
          rules.push({
            file: set.file,
            line: rule.line,
            endLine: rule.line,
            resource: `chain ${chain.id}`,
            text: rule.text,
            exposure: {
              direction: 'ingress',
              protocol: rule.protocol,
              ports: rule.dports ? p : null,
              cidrs: [s],
            },
          });
    } else {
      for (const p of ranges)
        rules.push({
          file: set.file,
          line: rule.line,
          endLine: rule.line,
          resource: `chain ${chain.id}`,
          text: rule.text,
          exposure: {
            direction: 'ingress',
            protocol: rule.protocol,
            ports: rule.dports ? p : null,
            cidrs: anySources(set),
          },
        });
    }
    if (!tcp || !sourceIsAny(rule) || rule.dports === null) continue;
    const db = ranges
      .flatMap((p) => servicesIn(p.from, p.to))
      .filter((s) => s.category === 'database' && !droppedBefore(order, rule, s.port));
    if (db.length === 0) continue;
    findings.push(
      makeFinding(
        'HOST-DATABASE-PORT-OPEN',
        { file: set.file, line: rule.line, endLine: rule.line, resource: `chain ${chain.id}` },
        `${chain.id} accepts ${db.map((s) => `${s.name} (${s.port})`).join(', ')} from any source`,
        {
          exposure: {
            direction: 'ingress',
            protocol: PROTO_TCP,
            ports: ranges[0] ?? null,
            cidrs: ['0.0.0.0/0'],
          },
        },
      ),
    );
  }
  return { findings, rules };
}

/** What the compose cross-check needs: does INPUT drop, and does DOCKER-USER filter anything? */
export function dockerBypass(set: HostRuleset): { inputDrops: boolean; dockerUserFilters: boolean } {
  const inputDrops = baseChains(set, 'input').length > 0 && acceptsByDefault(set, 'input') === null;
  const dockerUser = set.chains.find((c) => c.name === 'DOCKER-USER');
  const dockerUserFilters =
    !!dockerUser && dockerUser.rules.some((r) => r.verdict === 'drop' || r.verdict === 'reject');
  return { inputDrops, dockerUserFilters };
}
