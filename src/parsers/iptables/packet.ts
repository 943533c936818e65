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

  const tokens = message.slice(start).split(' ');
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
  for (const tok of tokens) {
    if (tok === '') continue;
    // An ICMP error's inner packet: `[SRC=... DST=... ... ]` (may nest for ICMP-in-ICMP).
    if (depth > 0 || tok.startsWith('[')) {
      for (const c of tok) {
        if (c === '[') depth++;
        else if (c === ']') depth--;
      }
      if (depth < 0) depth = 0;
      continue;
    }
    const eq = tok.indexOf('=');
    if (eq < 0) {
      if (protoName === 'TCP') {
        const bit = FLAG_BITS[tok];
        if (bit !== undefined) flags = (flags < 0 ? 0 : flags) | bit;
      }
      continue;
    }
    const key = tok.slice(0, eq);
    const value = tok.slice(eq + 1);
    switch (key) {
      case 'IN':
        inIf = value;
        break;
      case 'OUT':
        outIf = value;
        break;
      case 'SRC':
        if (src === null) {
          src = parseIp(value);
          if (src === null) return { ok: false, reason: 'bad-ip:SRC' };
        }
        break;
      case 'DST':
        if (dst === null) {
          dst = parseIp(value);
          if (dst === null) return { ok: false, reason: 'bad-ip:DST' };
        }
        break;
      case 'LEN':
        if (proto < 0) length = toInt(value); // the second LEN= (UDP header) is not the packet size
        break;
      case 'PROTO':
        if (proto < 0) {
          protoName = value.toUpperCase();
          proto = PROTO_NUMBERS[protoName] ?? toInt(value);
          if (proto < 0 || proto > 255) return { ok: false, reason: 'bad-proto' };
          if (protoName === 'TCP') flags = 0;
        }
        break;
      case 'SPT':
        if (srcPort < 0) srcPort = toInt(value);
        break;
      case 'DPT':
        if (dstPort < 0) dstPort = toInt(value);
        break;
      case 'TYPE':
        if (icmpType < 0) icmpType = toInt(value);
        break;
      case 'CODE':
        if (icmpCode < 0) icmpCode = toInt(value);
        break;
      default:
        break;
    }
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

function toInt(text: string): number {
  return /^\d{1,10}$/.test(text) ? Number(text) : -1;
}
