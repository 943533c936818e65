// One netfilter LOG line (iptables `-j LOG`, nftables `log`), parsed positionally as the kernel
// writes it (nf_log_syslog.c): `<prefix>IN= OUT= [MAC=] SRC= DST= LEN= ... PROTO= ...`. Not a
// key=value map: UDP repeats `LEN=` (the IP length comes first and is the one kept), ICMP errors
// embed the offending packet in brackets (skipped, so its SRC/DST never overwrite the outer
// ones), TCP flags are bare tokens, and the prefix may hold spaces or touch `IN=` directly.

import { parseIp, type IpAddress } from '../../core/ip.ts';

export interface NetfilterPacket {
  prefix: string;
  inIf: string;
  outIf: string;
  src: IpAddress;
  dst: IpAddress;
  /** IP total length (IPv4 LEN=, IPv6 payload+header LEN=). */
  length: number;
  proto: number;
  srcPort: number;
  dstPort: number;
  /** OR of VPC tcp-flags bits from the bare flag tokens; -1 for non-TCP. */
  tcpFlags: number;
  icmpType: number;
  icmpCode: number;
}

export type NetfilterResult = { ok: true; value: NetfilterPacket } | { ok: false; reason: string };

// Same bit values as VPC tcp-flags and NetFlow (FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32, ECE 64, CWR 128).
const FLAG_BITS: Record<string, number> = {
  FIN: 1,
  SYN: 2,
  RST: 4,
  PSH: 8,
  ACK: 16,
  URG: 32,
  ECE: 64,
  CWR: 128,
};
const PROTO_NUMBERS: Record<string, number> = {
  ICMP: 1,
  IGMP: 2,
  TCP: 6,
  UDP: 17,
  GRE: 47,
  ESP: 50,
  AH: 51,
  ICMPV6: 58,
  SCTP: 132,
  UDPLITE: 136,
};

// `IN=` (or `OUT=` when Proxmox drops an empty IN=) followed by a token only a LOG line has next.
const LOG_START = /(?:IN|OUT)=\S* (?:OUT|MAC|MACSRC|PHYSIN|PHYSOUT|SRC)=/;

/** Where `IN=` starts in a kernel message, or -1 when this is not a netfilter LOG line. */
export function findNetfilterStart(message: string): number {
  const m = LOG_START.exec(message);
  if (!m) return -1;
  if (m[0].startsWith('OUT=')) {
    // Only when nothing key=value-like precedes it (`XX=eth0 OUT=` is not a LOG line).
    const before = message.slice(0, m.index).trimEnd();
    const prev = before.slice(before.lastIndexOf(' ') + 1);
    if (prev.includes('=')) return -1;
  }
  return m.index;
}

/** Parses the kernel message (with or without the `[uptime]` stamp) of a LOG line. */
export function parseNetfilter(message: string): NetfilterResult {
  const start = findNetfilterStart(message);
  if (start < 0) return { ok: false, reason: 'not-netfilter' };
  let prefix = message.slice(0, start);
  const stamp = /^\s*\[\s*\d+\.\d+\]\s?/.exec(prefix);
  if (stamp) prefix = prefix.slice(stamp[0].length);
  prefix = prefix.trim();

  let inIf = '';
  let outIf = '';
  let src: IpAddress | null = null;
  let dst: IpAddress | null = null;
  let length = NaN;
  let proto = -1;
  let protoName = '';
  let srcPort = -1;
  let dstPort = -1;
  let flags = -1;
  let icmpType = -1;
  let icmpCode = -1;
  let depth = 0;
  // Walk the space-separated tokens by index: only the values we keep are sliced out.
  const n = message.length;
  let pos = start;
  while (pos < n) {
    let end = message.indexOf(' ', pos);
    if (end < 0) end = n;
    if (end === pos) {
      pos++;
      continue;
    }
    // An ICMP error's inner packet: `[SRC=... DST=... ... ]` (may nest for ICMP-in-ICMP).
    if (depth > 0 || message.charCodeAt(pos) === 91) {
      for (let k = pos; k < end; k++) {
        const c = message.charCodeAt(k);
        if (c === 91) depth++;
        else if (c === 93) depth--;
      }
      if (depth < 0) depth = 0;
      pos = end + 1;
      continue;
    }
    const eq = message.indexOf('=', pos);
    if (eq < 0 || eq > end) {
      if (protoName === 'TCP') {
        const bit = FLAG_BITS[message.slice(pos, end)];
        if (bit !== undefined) flags = (flags < 0 ? 0 : flags) | bit;
      }
      pos = end + 1;
      continue;
    }
    const keyLen = eq - pos;
    const vs = eq + 1;
    if (keyLen === 2 && message.startsWith('IN', pos)) inIf = message.slice(vs, end);
    else if (keyLen === 3) {
      if (message.startsWith('OUT', pos)) outIf = message.slice(vs, end);
      else if (message.startsWith('SRC', pos)) {
        if (src === null) {
          src = parseIp(message.slice(vs, end));
          if (src === null) return { ok: false, reason: 'bad-ip:SRC' };
        }
      } else if (message.startsWith('DST', pos)) {
        if (dst === null) {
          dst = parseIp(message.slice(vs, end));
          if (dst === null) return { ok: false, reason: 'bad-ip:DST' };
        }
      } else if (message.startsWith('LEN', pos)) {
        if (proto < 0) length = intAt(message, vs, end); // the second LEN= (UDP header) is not the packet size
      } else if (message.startsWith('SPT', pos)) {
        if (srcPort < 0) srcPort = intAt(message, vs, end);
      } else if (message.startsWith('DPT', pos)) {
        if (dstPort < 0) dstPort = intAt(message, vs, end);
      }
    } else if (keyLen === 5 && message.startsWith('PROTO', pos)) {
      if (proto < 0) {
        protoName = message.slice(vs, end).toUpperCase();
        proto = PROTO_NUMBERS[protoName] ?? intAt(protoName, 0, protoName.length);
        if (proto < 0 || proto > 255) return { ok: false, reason: 'bad-proto' };
        if (protoName === 'TCP') flags = 0;
      }
    } else if (keyLen === 4) {
      if (message.startsWith('TYPE', pos)) {
        if (icmpType < 0) icmpType = intAt(message, vs, end);
      } else if (message.startsWith('CODE', pos)) {
        if (icmpCode < 0) icmpCode = intAt(message, vs, end);
      }
    }
    pos = end + 1;
  }
  if (src === null) return { ok: false, reason: 'missing:SRC' };
  if (dst === null) return { ok: false, reason: 'missing:DST' };
  if (proto < 0) return { ok: false, reason: 'missing:PROTO' };
  if (Number.isNaN(length) || length < 0) return { ok: false, reason: 'bad-number:LEN' };
  if (srcPort > 65535 || dstPort > 65535) return { ok: false, reason: 'bad-port' };
  return {
    ok: true,
    value: {
      prefix,
      inIf,
      outIf,
      src,
      dst,
      length,
      proto,
      srcPort,
      dstPort,
      tcpFlags: flags,
      icmpType,
      icmpCode,
    },
  };
}

/** Decimal digits in text[from, to) as a number, or -1. */
function intAt(text: string, from: number, to: number): number {
  if (to <= from || to - from > 10) return -1;
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}
