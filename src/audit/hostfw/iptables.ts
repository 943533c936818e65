// `iptables-save` / `ip6tables-save` output: tables, chain policies and `-A` rules in order.

import { parseProtocol } from '../net.ts';
import type { AuditProblem } from '../types.ts';
import {
  type HostChain,
  type HostRule,
  type HostRuleset,
  type Verdict,
  isInternalInterface,
  stateAdmitsNew,
} from './model.ts';

const HOOKS: Record<string, string> = {
  INPUT: 'input',
  FORWARD: 'forward',
  OUTPUT: 'output',
  PREROUTING: 'prerouting',
  POSTROUTING: 'postrouting',
};

export function looksLikeIptablesSave(text: string): boolean {
  return /^\*(filter|nat|mangle|raw|security)\s*$/m.test(text) && /^(COMMIT|:[A-Z0-9_-]+ )/m.test(text);
}

function words(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2]!);
  return out;
}

function ports(text: string): { from: number; to: number }[] | null {
  const out: { from: number; to: number }[] = [];
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:[:-](\d+))?$/.exec(part.trim());
    if (!m) return null;
    out.push({ from: Number(m[1]), to: Number(m[2] ?? m[1]) });
  }
  return out;
}

export function parseIptablesRule(line: number, text: string): HostRule | null {
  const w = words(text);
  const rule: HostRule = {
    line,
    text,
    protocol: 'all',
    dports: null,
    sources: null,
    restrictions: [],
    verdict: 'none',
  };
  for (let i = 2; i < w.length; i++) {
    let negated = false;
    if (w[i] === '!') {
      negated = true;
      i++;
    }
    const opt = w[i]!;
    const arg = w[i + 1] ?? '';
    const take = (): string => {
      i++;
      return arg;
    };
    switch (opt) {
      case '-p':
      case '--protocol': {
        const p = parseProtocol(take());
        if (p === null) return null;
        if (negated) rule.restrictions.push(`! -p ${arg}`);
        else rule.protocol = p;
        break;
      }
      case '-s':
      case '--source':
      case '--src':
        take();
        if (!negated) rule.sources = arg.split(',');
        break;
      case '--dport':
      case '--destination-port':
      case '--dports':
      case '--destination-ports': {
        const p = ports(take());
        if (!p) return null;
        if (negated) rule.restrictions.push(`! ${opt} ${arg}`);
        else rule.dports = p;
        break;
      }
      case '-j':
      case '--jump':
      case '-g':
      case '--goto': {
        const t = take();
        const v = t.toLowerCase();
        rule.verdict = (
          ['accept', 'drop', 'reject', 'return'].includes(v)
            ? v
            : opt === '-g' || opt === '--goto'
              ? 'goto'
              : 'jump'
        ) as Verdict;
        if (rule.verdict === 'jump' || rule.verdict === 'goto') rule.target = t;
        // Options after the target belong to it (--reject-with...), not to the match.
        i = w.length;
        break;
      }
      case '-m':
      case '--match':
      case '-d':
      case '--destination':
      case '--sport':
      case '--source-port':
      case '--sports':
      case '--comment':
      case '-o':
      case '--out-interface':
        take();
        break;
      case '-i':
      case '--in-interface':
        take();
        if (!negated && isInternalInterface(arg)) rule.restrictions.push(`-i ${arg}`);
        break;
      case '--ctstate':
      case '--state':
        take();
        if (negated || !stateAdmitsNew(arg)) rule.restrictions.push(`${negated ? '! ' : ''}${opt} ${arg}`);
        break;
      case '--match-set':
      case '--src-range':
      case '--uid-owner':
      case '--mark':
      case '--src-type':
      case '--dst-type':
      case '--icmp-type':
      case '--icmpv6-type':
      case '--tcp-flags':
      case '--limit':
      case '--mac-source':
        rule.restrictions.push(`${negated ? '! ' : ''}${opt} ${take()}`);
        if (opt === '--match-set' || opt === '--tcp-flags') i++; // two arguments
        break;
      case '--syn':
        break;
      default:
        // Unknown match options with an argument: keep as restrictions so we never over-report.
        if (opt.startsWith('-') && arg && !arg.startsWith('-')) rule.restrictions.push(`${opt} ${take()}`);
        else if (opt.startsWith('-')) rule.restrictions.push(opt);
    }
  }
  return rule;
}

export function parseIptablesSave(
  file: string,
  text: string,
): { ruleset: HostRuleset; problems: AuditProblem[] } {
  const chains: HostChain[] = [];
  const problems: AuditProblem[] = [];
  let table = '';
  const lines = text.split('\n');
  lines.forEach((raw, idx) => {
    const line = idx + 1;
    const t = raw.trim();
    if (t === '' || t.startsWith('#') || t === 'COMMIT') return;
    if (t.startsWith('*')) {
      table = t.slice(1);
      return;
    }
    if (t.startsWith(':')) {
      const [name, policy] = t.slice(1).split(/\s+/) as [string, string | undefined];
      chains.push({
        id: `${table}/${name}`,
        name,
        hook:
          table === 'filter' || table === 'mangle' || table === 'nat' || table === 'raw'
            ? (HOOKS[name] ?? null)
            : null,
        policy: policy === 'ACCEPT' ? 'accept' : policy === 'DROP' ? 'drop' : null,
        line,
        rules: [],
      });
      return;
    }
    if (t.startsWith('-A ')) {
      const name = t.split(/\s+/)[1] ?? '';
      let chain = chains.find((c) => c.id === `${table}/${name}`);
      if (!chain) {
        chain = { id: `${table}/${name}`, name, hook: HOOKS[name] ?? null, policy: null, line, rules: [] };
        chains.push(chain);
      }
      const rule = parseIptablesRule(line, t);
      if (rule) chain.rules.push(rule);
      else problems.push({ file, line, reason: 'iptables: unreadable rule', text: t.slice(0, 4096) });
      return;
    }
    problems.push({ file, line, reason: 'iptables: unexpected line', text: t.slice(0, 4096) });
  });
  return {
    ruleset: {
      file,
      format: 'iptables',
      // ip6tables-save prints IPv6 addresses and icmpv6 matches; plain iptables-save never does.
      families: /\s-[sd]\s+[0-9a-f]*:[0-9a-f:]*\/|icmpv6|ipv6-icmp/i.test(text) ? ['ipv6'] : ['ipv4'],
      chains: chains.filter((c) => c.id.startsWith('filter/')),
    },
    problems,
  };
}
