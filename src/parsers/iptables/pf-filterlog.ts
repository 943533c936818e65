// pfSense / OPNsense `filterlog` lines: one CSV record per packet after the syslog tag, e.g.
// `53,,,1000102631,em0,match,block,in,4,0x0,,64,892,0,none,6,tcp,44,10.0.2.2,10.0.2.15,59576,22,0,S,...`
// (rule, subrule, anchor, tracker, interface, reason, action, direction, ip version, then the
// IPv4 or IPv6 header fields, then ports for TCP/UDP and the TCP flags as letters).

import { parseIp, type IpAddress } from '../../core/ip.ts';

export interface PfPacket {
  iface: string;
  action: 'pass' | 'block' | 'other';
  direction: 'in' | 'out' | 'other';
  src: IpAddress;
  dst: IpAddress;
  length: number;
  proto: number;
  srcPort: number;
  dstPort: number;
  tcpFlags: number;
  rule: string;
}

export type PfResult = { ok: true; value: PfPacket } | { ok: false; reason: string };

const PF_FLAG_BITS: Record<string, number> = { F: 1, S: 2, R: 4, P: 8, A: 16, U: 32, E: 64, W: 128 };

export function parsePfFilterlog(message: string): PfResult {
  const f = message.trim().split(',');
  if (f.length < 20) return { ok: false, reason: 'field-count' };
  const version = f[8];
  // IPv4: tos, ecn, ttl, id, offset, flags, protonum, protoname, length, src, dst (indices 9..19).
  // IPv6: class, flowlabel, hoplimit, protoname, protonum, length, src, dst (indices 9..16).
  let at: { proto: number; len: number; src: number; dst: number; next: number; name: number };
  if (version === '4') at = { proto: 15, name: 16, len: 17, src: 18, dst: 19, next: 20 };
  else if (version === '6') at = { proto: 13, name: 12, len: 14, src: 15, dst: 16, next: 17 };
  else return { ok: false, reason: 'bad-ip-version' };
  const src = parseIp(f[at.src] ?? '');
  const dst = parseIp(f[at.dst] ?? '');
  if (src === null) return { ok: false, reason: 'bad-ip:src' };
  if (dst === null) return { ok: false, reason: 'bad-ip:dst' };
  const proto = Number(f[at.proto]);
  const length = Number(f[at.len]);
  if (!Number.isInteger(proto) || proto < 0 || proto > 255) return { ok: false, reason: 'bad-proto' };
  if (!Number.isFinite(length)) return { ok: false, reason: 'bad-number:length' };
  const name = (f[at.name] ?? '').toLowerCase();
  let srcPort = -1;
  let dstPort = -1;
  let tcpFlags = -1;
  if (name === 'tcp' || name === 'udp') {
    srcPort = port(f[at.next]);
    dstPort = port(f[at.next + 1]);
    if (srcPort < 0 || dstPort < 0) return { ok: false, reason: 'bad-port' };
  }
  if (name === 'tcp') {
    tcpFlags = 0;
    for (const c of f[at.next + 3] ?? '') tcpFlags |= PF_FLAG_BITS[c] ?? 0;
  }
  const act = f[6];
  const dir = f[7];
  return {
    ok: true,
    value: {
      iface: f[4] ?? '',
      action: act === 'pass' || act === 'block' ? act : 'other',
      direction: dir === 'in' || dir === 'out' ? dir : 'other',
      src,
      dst,
      length,
      proto,
      srcPort,
      dstPort,
      tcpFlags,
      rule: f[0] ?? '',
    },
  };
}

function port(text: string | undefined): number {
  return text !== undefined && /^\d{1,5}$/.test(text) && Number(text) <= 65535 ? Number(text) : -1;
}
