// Information elements the decoder turns into flow columns, and the big-endian readers that honour
// whatever length a template gives (reduced-size encoding). v9 field types 1-127 and IPFIX IEs
// share numbers (RFC 3954 §8, RFC 7012), so one table serves both.

import { formatIpv6Groups } from '../../core/ip.ts';

/** What a field means to the decoder. Anything not listed here is skipped by its length. */
export const ROLE_SKIP = 0;
export const ROLE_BYTES = 1;
export const ROLE_PACKETS = 2;
export const ROLE_BYTES_TOTAL = 3;
export const ROLE_PACKETS_TOTAL = 4;
export const ROLE_PROTO = 5;
export const ROLE_TCP_FLAGS = 6;
export const ROLE_SRC_PORT = 7;
export const ROLE_DST_PORT = 8;
export const ROLE_SRC_IP4 = 9;
export const ROLE_DST_IP4 = 10;
export const ROLE_SRC_IP6 = 11;
export const ROLE_DST_IP6 = 12;
export const ROLE_DIRECTION = 13;
export const ROLE_FIRST_UPTIME = 14;
export const ROLE_LAST_UPTIME = 15;
export const ROLE_START_SECONDS = 16;
export const ROLE_END_SECONDS = 17;
export const ROLE_START_MILLIS = 18;
export const ROLE_END_MILLIS = 19;
export const ROLE_START_NTP = 20;
export const ROLE_END_NTP = 21;
export const ROLE_START_DELTA_MICROS = 22;
export const ROLE_END_DELTA_MICROS = 23;
export const ROLE_SYSTEM_INIT_MILLIS = 24;
export const ROLE_DURATION_MILLIS = 25;
export const ROLE_DURATION_MICROS = 26;
export const ROLE_SAMPLING_INTERVAL = 27;
export const ROLE_SAMPLING_PACKET_INTERVAL = 28;
export const ROLE_SAMPLING_PACKET_SPACE = 29;
export const ROLE_SAMPLER_ID = 30;
export const ROLE_FORWARDING_STATUS = 31;
export const ROLE_INITIATOR_BYTES = 32;
export const ROLE_INITIATOR_PACKETS = 33;

/** IE id -> role. Enterprise-specific fields (PEN set) are always skipped. */
const ROLE_BY_IE = new Map<number, number>([
  [1, ROLE_BYTES], // IN_BYTES / octetDeltaCount
  [2, ROLE_PACKETS], // IN_PKTS / packetDeltaCount
  [85, ROLE_BYTES_TOTAL], // octetTotalCount
  [86, ROLE_PACKETS_TOTAL], // packetTotalCount
  [4, ROLE_PROTO],
  [6, ROLE_TCP_FLAGS],
  [7, ROLE_SRC_PORT],
  [11, ROLE_DST_PORT],
  [8, ROLE_SRC_IP4],
  [12, ROLE_DST_IP4],
  [27, ROLE_SRC_IP6],
  [28, ROLE_DST_IP6],
  [61, ROLE_DIRECTION], // DIRECTION / flowDirection: 0 ingress, 1 egress
  [22, ROLE_FIRST_UPTIME], // FIRST_SWITCHED / flowStartSysUpTime
  [21, ROLE_LAST_UPTIME], // LAST_SWITCHED / flowEndSysUpTime
  [150, ROLE_START_SECONDS],
  [151, ROLE_END_SECONDS],
  [152, ROLE_START_MILLIS],
  [153, ROLE_END_MILLIS],
  [154, ROLE_START_NTP], // flowStartMicroseconds (NTP format)
  [155, ROLE_END_NTP],
  [156, ROLE_START_NTP], // flowStartNanoseconds (NTP format)
  [157, ROLE_END_NTP],
  [158, ROLE_START_DELTA_MICROS],
  [159, ROLE_END_DELTA_MICROS],
  [160, ROLE_SYSTEM_INIT_MILLIS],
  [161, ROLE_DURATION_MILLIS],
  [162, ROLE_DURATION_MICROS],
  [34, ROLE_SAMPLING_INTERVAL], // SAMPLING_INTERVAL / samplingInterval
  [50, ROLE_SAMPLING_INTERVAL], // FLOW_SAMPLER_RANDOM_INTERVAL / samplerRandomInterval
  [305, ROLE_SAMPLING_PACKET_INTERVAL],
  [306, ROLE_SAMPLING_PACKET_SPACE],
  [48, ROLE_SAMPLER_ID], // FLOW_SAMPLER_ID / samplerId
  [302, ROLE_SAMPLER_ID], // selectorId
  [89, ROLE_FORWARDING_STATUS],
  // Firewalls (Cisco ASA) report initiator/responder counts instead of delta counts.
  [231, ROLE_INITIATOR_BYTES],
  [298, ROLE_INITIATOR_PACKETS],
]);

export function roleOf(ie: number, enterprise: number): number {
  if (enterprise !== 0) return ROLE_SKIP;
  return ROLE_BY_IE.get(ie) ?? ROLE_SKIP;
}

/** IPFIX variable-length marker (RFC 7011 §7); also seen in H3C NetStream v9 exports. */
export const VARIABLE_LENGTH = 65535;

const TWO_POW_32 = 4294967296;
/** Values below 2^21 in the high word keep a u64 exactly representable as a Number. */
const SAFE_HIGH_WORD = 0x200000;

/**
 * Reads an unsigned big-endian integer of 1-8 bytes (any reduced size) as a Number. A u64 above
 * 2^53 goes through BigInt so the one rounding to a double is correct.
 */
export function readUnsigned(buf: Buffer, off: number, len: number): number {
  switch (len) {
    case 1:
      return buf[off]!;
    case 2:
      return buf.readUInt16BE(off);
    case 4:
      return buf.readUInt32BE(off);
    case 8: {
      const hi = buf.readUInt32BE(off);
      if (hi < SAFE_HIGH_WORD) return hi * TWO_POW_32 + buf.readUInt32BE(off + 4);
      return Number(buf.readBigUInt64BE(off));
    }
    default:
      if (len > 0 && len <= 6) return buf.readUIntBE(off, len);
      if (len === 7) return buf.readUIntBE(off, 3) * TWO_POW_32 + buf.readUInt32BE(off + 3);
      return NaN;
  }
}

/** Seconds between the NTP epoch (1900) and the Unix epoch (1970). */
const NTP_UNIX_OFFSET_SECONDS = 2208988800;

/** An NTP-format timestamp (dateTimeMicroseconds / dateTimeNanoseconds) as Unix milliseconds. */
export function readNtpMillis(buf: Buffer, off: number): number {
  const seconds = buf.readUInt32BE(off);
  const fraction = buf.readUInt32BE(off + 4);
  return (seconds - NTP_UNIX_OFFSET_SECONDS) * 1000 + (fraction / TWO_POW_32) * 1000;
}

/** Canonical text of the 16-byte IPv6 address at `off` (RFC 5952). */
export function readIpv6(buf: Buffer, off: number): string {
  const groups = new Array<number>(8);
  for (let i = 0; i < 8; i++) groups[i] = buf.readUInt16BE(off + 2 * i);
  return formatIpv6Groups(groups);
}
