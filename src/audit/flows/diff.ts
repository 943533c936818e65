// Least-privilege proposals as unified diffs against the rule's own lines: Terraform attributes
// (cidr_blocks, cidr_ipv4, source_network, from_port/to_port, destination_port), iptables-save
// rules (`-s`) and nft rules (`ip saddr`). Returns null when the rule's text cannot be rewritten
// safely; the finding's message still states the proposal.

import type { AuditRule } from '../types.ts';

const quoteList = (xs: string[]): string => `[${xs.map((x) => `"${x}"`).join(', ')}]`;

function terraform(lines: string[], cidrs: string[] | null, ports: number[] | null): string[] | null {
  const v4 = cidrs?.filter((c) => !c.includes(':')) ?? [];
  const v6 = cidrs?.filter((c) => c.includes(':')) ?? [];
  let changed = false;
  const out = lines.map((l) => {
    let m: RegExpExecArray | null;
    if (cidrs && (m = /^(\s*)(cidr_blocks|ipv6_cidr_blocks)(\s*=\s*)\[.*\](.*)$/.exec(l))) {
      changed = true;
      return `${m[1]}${m[2]}${m[3]}${quoteList(m[2] === 'cidr_blocks' ? v4 : v6)}${m[4]}`;
    }
    if (
      cidrs &&
      (m = /^(\s*)(cidr_ipv4|cidr_block|source_network)(\s*=\s*)"[^"]*"(.*)$/.exec(l)) &&
      v4.length === 1
    ) {
      changed = true;
      return `${m[1]}${m[2]}${m[3]}"${v4[0]}"${m[4]}`;
    }
    if (cidrs && (m = /^(\s*)(cidr_ipv6)(\s*=\s*)"[^"]*"(.*)$/.exec(l)) && v6.length === 1) {
      changed = true;
      return `${m[1]}${m[2]}${m[3]}"${v6[0]}"${m[4]}`;
    }
    if (ports?.length === 1 && (m = /^(\s*)(from_port|to_port)(\s*=\s*)\S+(.*)$/.exec(l))) {
      changed = true;
      return `${m[1]}${m[2]}${m[3]}${ports[0]}${m[4]}`;
    }
    if (ports?.length === 1 && (m = /^(\s*)(destination_port)(\s*=\s*)"[^"]*"(.*)$/.exec(l))) {
      changed = true;
      return `${m[1]}${m[2]}${m[3]}"${ports[0]}"${m[4]}`;
    }
    return l;
  });
  return changed ? out : null;
}

type Range = { from: number; to: number } | null;

/**
 * A rule listing several ports (`--dports 22,80`, `dport { 22, 80 }`) is split: the other ports
 * keep the original rule, only this rule's port is narrowed.
 */
function splitPorts(
  line: string,
  own: Range,
  re: RegExp,
  sep: string,
  rangeSep: string,
  render: (xs: string[]) => string,
): { keep: string | null; mine: string } {
  const m = re.exec(line);
  if (!m || !own) return { keep: null, mine: line };
  const items = m[2]!
    .split(sep)
    .map((x) => x.trim())
    .filter((x) => x !== '');
  const ownText = own.from === own.to ? `${own.from}` : `${own.from}${rangeSep}${own.to}`;
  const others = items.filter((x) => x !== ownText);
  if (items.length < 2 || others.length === items.length) return { keep: null, mine: line };
  return {
    keep: line.replace(m[0], `${m[1]}${render(others)}`),
    mine: line.replace(m[0], `${m[1]}${render([ownText])}`),
  };
}

function iptables(
  lines: string[],
  cidrs: string[] | null,
  ports: number[] | null,
  own: Range,
): string[] | null {
  const [line] = lines;
  if (!line || lines.length !== 1) return null;
  const { keep, mine } = splitPorts(line, own, /(--dports\s+|--destination-ports\s+)(\S+)/, ',', ':', (xs) =>
    xs.join(','),
  );
  let base = mine;
  if (ports?.length === 1) base = base.replace(/--dports? \S+/, `--dport ${ports[0]}`);
  if (!cidrs) return base === line ? null : [...(keep ? [keep] : []), base];
  base = base.replace(/\s(-s|--source)\s\S+/, '');
  return [...(keep ? [keep] : []), ...cidrs.map((c) => base.replace(/^(-A\s+\S+)/, `$1 -s ${c}`))];
}

function nft(lines: string[], cidrs: string[] | null, ports: number[] | null, own: Range): string[] | null {
  const [line] = lines;
  if (!line || lines.length !== 1) return null;
  const { keep, mine } = splitPorts(line, own, /(dport\s+)\{([^}]*)\}/, ',', '-', (xs) =>
    xs.length === 1 ? xs[0]! : `{ ${xs.join(', ')} }`,
  );
  let out = mine;
  if (ports && ports.length > 0)
    out = out.replace(
      /dport\s+(\{[^}]*\}|\S+)/,
      `dport ${ports.length === 1 ? ports[0] : `{ ${ports.join(', ')} }`}`,
    );
  if (cidrs) {
    const v4 = cidrs.filter((c) => !c.includes(':'));
    const v6 = cidrs.filter((c) => c.includes(':'));
    const set = (xs: string[]) => (xs.length === 1 ? xs[0]! : `{ ${xs.join(', ')} }`);
    out = out.replace(/\s*ip6? saddr\s+(\{[^}]*\}|\S+)/, '');
    const indent = /^\s*/.exec(out)![0];
    const rest = out.slice(indent.length);
    const rules = [
      ...(v4.length ? [`${indent}ip saddr ${set(v4)} ${rest}`] : []),
      ...(v6.length ? [`${indent}ip6 saddr ${set(v6)} ${rest}`] : []),
    ];
    return [...(keep ? [keep] : []), ...rules];
  }
  return out === line ? null : [...(keep ? [keep] : []), out];
}

export function proposeDiff(
  rule: AuditRule,
  cidrs: string[] | null,
  ports: number[] | null,
): { description: string; diff: string } | null {
  const old = rule.text.split('\n');
  const next = rule.file.endsWith('.tf')
    ? terraform(old, cidrs, ports)
    : /^\s*-A\s/.test(old[0] ?? '')
      ? iptables(old, cidrs, ports, rule.exposure.ports)
      : /\b(accept|dport)\b/.test(old[0] ?? '')
        ? nft(old, cidrs, ports, rule.exposure.ports)
        : null;
  if (!next) return null;
  // Same line count (attribute rewrites): unchanged lines are context; otherwise replace the rule.
  const body =
    old.length === next.length
      ? old.flatMap((l, i) => (l === next[i] ? [` ${l}`] : [`-${l}`, `+${next[i]!}`])).join('\n')
      : [...old.map((l) => `-${l}`), ...next.map((l) => `+${l}`)].join('\n');
  const diff = `--- a/${rule.file}\n+++ b/${rule.file}\n@@ -${rule.line},${old.length} +${rule.line},${next.length} @@\n${body}\n`;
  const what = [cidrs ? `sources ${cidrs.join(', ')}` : null, ports ? `ports ${ports.join(', ')}` : null]
    .filter((x) => x !== null)
    .join(' and ');
  return { description: `narrow to ${what}`, diff };
}
