// A tiny reader for the classic pcap capture in this folder (Ethernet, IPv4, UDP): enough to pull
// the NetFlow export payloads out for tests and the benchmark. Not a general pcap library.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export interface UdpDatagram {
  /** Capture time, Unix ms. */
  timeMs: number;
  dstPort: number;
  payload: Buffer;
}

export const SOFTFLOWD_CAPTURE = fileURLToPath(new URL('./netflow-v5-v9-ipfix-exports.pcap.gz', import.meta.url));

const PCAP_MAGIC_LE = 0xa1b2c3d4;
const LINKTYPE_ETHERNET = 1;

export function readUdpFromPcap(path: string): UdpDatagram[] {
  const raw = readFileSync(path);
  const d = path.endsWith('.gz') ? gunzipSync(raw) : raw;
  if (d.readUInt32LE(0) !== PCAP_MAGIC_LE) throw new Error(`${path}: not a little-endian microsecond pcap`);
  if (d.readUInt32LE(20) !== LINKTYPE_ETHERNET) throw new Error(`${path}: not an Ethernet capture`);
  const out: UdpDatagram[] = [];
  let off = 24;
  while (off + 16 <= d.length) {
    const seconds = d.readUInt32LE(off);
    const micros = d.readUInt32LE(off + 4);
    const captured = d.readUInt32LE(off + 8);
    off += 16;
    const frame = d.subarray(off, off + captured);
    off += captured;
    if (frame.length < 14 + 20 || frame.readUInt16BE(12) !== 0x0800) continue;
    const ip = frame.subarray(14);
    const ihl = (ip[0]! & 0x0f) * 4;
    if (ip[9] !== 17 || ip.length < ihl + 8) continue;
    const udp = ip.subarray(ihl);
    const udpLength = udp.readUInt16BE(4);
    out.push({ timeMs: seconds * 1000 + micros / 1000, dstPort: udp.readUInt16BE(2), payload: udp.subarray(8, udpLength) });
  }
  return out;
}
