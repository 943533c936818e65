// Guesses the format of a log file from its first lines, so file import can pick a parser.
// Order matters: the most specific shapes first (Zeek and nfdump headers, JSON conn records),
// then web server lines (access and nginx error log), then syslog lines by what their messages hold.

import { looksLikeErrorLine } from '../access/error-line.ts';
import { parseAccessLine } from '../access/line.ts';
import { findNetfilterStart } from '../iptables/packet.ts';
import { parseSyslog } from './header.ts';

export type LogFormat =
  | 'zeek-tsv'
  | 'zeek-json'
  | 'nfdump-csv'
  | 'access'
  | 'syslog-iptables'
  | 'syslog-pf'
  | 'syslog-sshd'
  | 'syslog';

export function sniffLogFormat(firstLines: readonly string[]): LogFormat | null {
  const lines = firstLines.map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
  if (lines.length === 0) return null;
  const first = lines[0]!;
  if (first.startsWith('#separator') || first.startsWith('#fields') || /^ts\tuid\tid\.orig_h/.test(first))
    return 'zeek-tsv';
  if (first.startsWith('ts,te,') && first.includes(',sa,da,')) return 'nfdump-csv';
  if (first.startsWith('{') && first.includes('"id.orig_h"')) return 'zeek-json';
  const sample = lines.slice(0, 50);
  // Web server logs: access lines and nginx error-log lines (one parser reads both).
  const access = sample.filter((l) => parseAccessLine(l).ok || looksLikeErrorLine(l)).length;
  if (access * 2 > sample.length) return 'access';
  let syslog = 0;
  let netfilter = 0;
  let pf = 0;
  let sshd = 0;
  for (const l of sample) {
    if (findNetfilterStart(l) >= 0) netfilter++;
    const h = parseSyslog(l, { referenceMs: 0 });
    if (!h.ok) continue;
    syslog++;
    if (h.value.program === 'filterlog') pf++;
    else if (h.value.program !== null && /^sshd/.test(h.value.program)) sshd++;
  }
  if (netfilter * 2 > sample.length) return 'syslog-iptables';
  if (pf * 2 > sample.length) return 'syslog-pf';
  if (sshd > 0 && sshd * 4 >= syslog) return 'syslog-sshd';
  if (syslog * 2 > sample.length) return 'syslog';
  return null;
}
