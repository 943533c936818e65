// `nft list ruleset` output: tables, base chains (type/hook/policy) and rules, one per line.

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

export function looksLikeNftRuleset(text: string): boolean {
  return /^\s*table\s+(ip|ip6|inet|arp|bridge|netdev)\s+\S+\s*\{/m.test(text);
}

function portList(text: string): { from: number; to: number }[] | null {
  const out: { from: number; to: number }[] = [];
  for (const part of text.replace(/[{}]/g, '').split(',')) {
    const t = part.trim();
    if (t === '') continue;
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(t);
    if (!m) return null;
    out.push({ from: Number(m[1]), to: Number(m[2] ?? m[1]) });
  }
  return out.length > 0 ? out : null;
}

/** Takes one value after a match keyword: a word or a `{ ... }` set. */
function valueAt(w: string[], i: number): { text: string; next: number } {
  if (w[i] !== '{') return { text: w[i] ?? '', next: i + 1 };
  let j = i;
  const parts: string[] = [];
  while (j < w.length && w[j] !== '}') parts.push(w[j++]!);
  return { text: parts.slice(1).join(' '), next: j + 1 };
}

const VERDICTS = new Set(['accept', 'drop', 'reject', 'return', 'jump', 'goto', 'continue', 'queue']);
const IGNORED = new Set([
  'counter',
  'log',
  'limit',
  'comment',
  'packets',
  'bytes',
  'prefix',
  'level',
  'rate',
  'meta',
  'with',
  'tcp-reset',
  'icmp',
  'icmpx',
  'type',
]);

export function parseNftRule(line: number, text: string): HostRule {
  const w = text
    .replace(/([{},])/g, ' $1 ')
    .split(/\s+/)
    .filter((x) => x !== '');
  const rule: HostRule = {
    line,
    text,
    protocol: 'all',
    dports: null,
    sources: null,
    restrictions: [],
    verdict: 'none',
  };
  for (let i = 0; i < w.length;) {
    const k = w[i]!;
    const negated = w[i + 2] === '!=' || w[i + 1] === '!=';
    if (
      (k === 'tcp' || k === 'udp' || k === 'sctp' || k === 'th') &&
      (w[i + 1] === 'dport' || w[i + 1] === 'sport')
    ) {
      if (k !== 'th') rule.protocol = parseProtocol(k) ?? 'all';
      const field = w[i + 1];
      const v = valueAt(w, negated ? i + 3 : i + 2);
      if (field === 'dport' && !negated)
        rule.dports = portList(v.text) ?? (rule.restrictions.push(`dport ${v.text}`), null);
      else rule.restrictions.push(`${k} ${field} ${negated ? '!= ' : ''}${v.text}`);
      i = v.next;
    } else if ((k === 'ip' || k === 'ip6') && w[i + 1] === 'saddr') {
      const v = valueAt(w, negated ? i + 3 : i + 2);
      if (!negated) rule.sources = v.text.split(/[\s,]+/).filter((x) => x !== '');
      i = v.next;
    } else if ((k === 'ip' || k === 'ip6') && w[i + 1] === 'protocol') {
      const v = valueAt(w, i + 2);
      rule.protocol = parseProtocol(v.text) ?? 'all';
      i = v.next;
    } else if (k === 'meta' && w[i + 1] === 'l4proto') {
      const v = valueAt(w, i + 2);
      rule.protocol = parseProtocol(v.text) ?? 'all';
      i = v.next;
    } else if ((k === 'iif' || k === 'iifname') && w[i + 1] !== '!=') {
      const v = valueAt(w, i + 1);
      if (v.text.split(/[\s,]+/).every((n) => n === '' || isInternalInterface(n)))
        rule.restrictions.push(`${k} ${v.text}`);
      i = v.next;
    } else if (k === 'ct' && w[i + 1] === 'state' && !negated) {
      const v = valueAt(w, i + 2);
      if (!stateAdmitsNew(v.text)) rule.restrictions.push(`ct state ${v.text}`);
      i = v.next;
    } else if (k === 'iif' || k === 'iifname' || k === 'ct' || k === 'mark' || k === 'ether' || k === 'fib') {
      const field = k === 'ct' || k === 'fib' ? `${k} ${w[i + 1] ?? ''}` : k;
      const v = valueAt(w, k === 'ct' || k === 'fib' ? (negated ? i + 3 : i + 2) : negated ? i + 2 : i + 1);
      rule.restrictions.push(`${field} ${v.text}`);
      i = v.next;
    } else if ((k === 'ip' || k === 'ip6') && w[i + 1] === 'daddr') {
      i = valueAt(w, negated ? i + 3 : i + 2).next;
    } else if (VERDICTS.has(k)) {
      rule.verdict = (k === 'continue' || k === 'queue' ? 'none' : k) as Verdict;
      if (k === 'jump' || k === 'goto') rule.target = w[i + 1];
      break;
    } else if (k === 'comment') {
      break;
    } else if (IGNORED.has(k) || /^\d+$/.test(k) || k.startsWith('"')) {
      i++;
    } else {
      rule.restrictions.push(k);
      i++;
    }
  }
  return rule;
}

export function parseNftRuleset(
  file: string,
  text: string,
): { ruleset: HostRuleset; problems: AuditProblem[] } {
  const chains: HostChain[] = [];
  const problems: AuditProblem[] = [];
  let table = '';
  let chain: HostChain | null = null;
  let skipDepth = 0; // inside set/map/flowtable blocks
  text.split('\n').forEach((raw, idx) => {
    const line = idx + 1;
    const t = raw.replace(/#.*$/, '').trim();
    if (t === '') return;
    if (skipDepth > 0) {
      skipDepth += (t.match(/\{/g)?.length ?? 0) - (t.match(/\}/g)?.length ?? 0);
      return;
    }
    const tableM = /^table\s+(\S+)\s+(\S+)\s*\{$/.exec(t);
    if (tableM) {
      table = `${tableM[1]} ${tableM[2]}`;
      return;
    }
    const chainM = /^chain\s+(\S+)\s*\{$/.exec(t);
    if (chainM) {
      chain = { id: `${table}/${chainM[1]}`, name: chainM[1]!, hook: null, policy: null, line, rules: [] };
      chains.push(chain);
      return;
    }
    if (/^(set|map|flowtable|counter|quota|ct\s+\w+|limit|secmark|synproxy)\s+\S+.*\{$/.test(t)) {
      skipDepth = 1;
      return;
    }
    if (t === '}') {
      if (chain) chain = null;
      else table = '';
      return;
    }
    if (!chain) {
      problems.push({ file, line, reason: 'nft: statement outside a chain', text: t.slice(0, 4096) });
      return;
    }
    const current: HostChain = chain;
    if (/^type\s+\w+\s+hook\s+\w+/.test(t)) {
      const hook = /hook\s+(\w+)/.exec(t)?.[1] ?? null;
      const type = /^type\s+(\w+)/.exec(t)?.[1];
      current.hook = type === 'filter' ? hook : null;
      const policy = /policy\s+(accept|drop)/.exec(t)?.[1];
      current.policy =
        policy === 'accept' || policy === 'drop' ? policy : type === 'filter' ? 'accept' : null;
      current.line = line;
      return;
    }
    if (/^policy\s+(accept|drop)/.test(t)) {
      current.policy = t.includes('drop') ? 'drop' : 'accept';
      return;
    }
    current.rules.push(parseNftRule(line, t));
  });
  const fams = new Set(chains.map((c) => c.id.split(' ')[0]));
  const families: ('ipv4' | 'ipv6')[] =
    fams.has('inet') || (fams.has('ip') && fams.has('ip6'))
      ? ['ipv4', 'ipv6']
      : fams.has('ip6')
        ? ['ipv6']
        : ['ipv4'];
  return { ruleset: { file, format: 'nft', families, chains }, problems };
}
