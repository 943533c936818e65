// A minimal NetFlow v5 / v9 / IPFIX encoder, for tests, the benchmark and replay tools only: the
// decoder never depends on it. Values are written big-endian at the lengths the caller gives, so
// tests can produce reduced-size fields, variable-length fields and deliberately broken packets.

export interface EncodedField {
  ie: number;
  length: number;
  /** IPFIX only: Private Enterprise Number (sets the enterprise bit). */
  enterprise?: number;
}

/** Big-endian unsigned integer of `length` bytes (1-8). */
export function uint(value: number | bigint, length: number): Buffer {
  const b = Buffer.alloc(length);
  let v = BigInt(value);
  for (let i = length - 1; i >= 0; i--) {
    b[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return b;
}

/** An IPFIX variable-length value: 1-byte length, or 255 and a 2-byte length. */
export function varLength(value: Buffer): Buffer {
  const prefix =
    value.length < 255 ? uint(value.length, 1) : Buffer.concat([uint(255, 1), uint(value.length, 2)]);
  return Buffer.concat([prefix, value]);
}

export function ipv4(text: string): Buffer {
  return Buffer.from(text.split('.').map((p) => Number(p)));
}

function fieldSpecs(fields: readonly EncodedField[], ipfix: boolean): Buffer[] {
  const out: Buffer[] = [];
  for (const f of fields) {
    if (ipfix && f.enterprise !== undefined) {
      out.push(uint(f.ie | 0x8000, 2), uint(f.length, 2), uint(f.enterprise, 4));
    } else {
      out.push(uint(f.ie, 2), uint(f.length, 2));
    }
  }
  return out;
}

/** A (v9 or IPFIX) template record: id, field count, field specifiers. */
export function templateRecord(id: number, fields: readonly EncodedField[], ipfix: boolean): Buffer {
  return Buffer.concat([uint(id, 2), uint(fields.length, 2), ...fieldSpecs(fields, ipfix)]);
}

/** An IPFIX options template record: id, field count, scope field count, fields (scope first). */
export function ipfixOptionsTemplateRecord(
  id: number,
  scopeCount: number,
  fields: readonly EncodedField[],
): Buffer {
  return Buffer.concat([
    uint(id, 2),
    uint(fields.length, 2),
    uint(scopeCount, 2),
    ...fieldSpecs(fields, true),
  ]);
}

/** A v9 options template record: id, scope length and option length in bytes, then the fields. */
export function v9OptionsTemplateRecord(
  id: number,
  scope: readonly EncodedField[],
  options: readonly EncodedField[],
): Buffer {
  return Buffer.concat([
    uint(id, 2),
    uint(scope.length * 4, 2),
    uint(options.length * 4, 2),
    ...fieldSpecs(scope, false),
    ...fieldSpecs(options, false),
  ]);
}

/** A FlowSet / Set: id, length, body, zero padding to 4 bytes when `pad`. */
export function set(id: number, body: Buffer, pad = true): Buffer {
  const padding = pad ? (4 - ((body.length + 4) % 4)) % 4 : 0;
  return Buffer.concat([uint(id, 2), uint(body.length + 4 + padding, 2), body, Buffer.alloc(padding)]);
}

export interface V9Header {
  count?: number;
  uptimeMs: number;
  unixSecs: number;
  sequence: number;
  sourceId: number;
}

export function v9Packet(h: V9Header, sets: readonly Buffer[]): Buffer {
  return Buffer.concat([
    uint(9, 2),
    uint(h.count ?? sets.length, 2),
    uint(h.uptimeMs, 4),
    uint(h.unixSecs, 4),
    uint(h.sequence, 4),
    uint(h.sourceId, 4),
    ...sets,
  ]);
}

export interface IpfixHeader {
  exportSecs: number;
  sequence: number;
  domain: number;
}

export function ipfixMessage(h: IpfixHeader, sets: readonly Buffer[]): Buffer {
  const body = Buffer.concat(sets);
  return Buffer.concat([
    uint(10, 2),
    uint(16 + body.length, 2),
    uint(h.exportSecs, 4),
    uint(h.sequence, 4),
    uint(h.domain, 4),
    body,
  ]);
}

export interface V5Flow {
  src: string;
  dst: string;
  packets: number;
  bytes: number;
  firstMs: number;
  lastMs: number;
  srcPort: number;
  dstPort: number;
  tcpFlags: number;
  proto: number;
}

export interface V5Header {
  uptimeMs: number;
  unixSecs: number;
  unixNsecs: number;
  sequence: number;
  engineType?: number;
  engineId?: number;
  samplingInterval?: number;
}

export function v5Packet(h: V5Header, flows: readonly V5Flow[]): Buffer {
  const head = Buffer.concat([
    uint(5, 2),
    uint(flows.length, 2),
    uint(h.uptimeMs, 4),
    uint(h.unixSecs, 4),
    uint(h.unixNsecs, 4),
    uint(h.sequence, 4),
    uint(h.engineType ?? 0, 1),
    uint(h.engineId ?? 0, 1),
    uint(h.samplingInterval ?? 0, 2),
  ]);
  const records = flows.map((f) =>
    Buffer.concat([
      ipv4(f.src),
      ipv4(f.dst),
      Buffer.alloc(4), // next hop
      Buffer.alloc(4), // input, output
      uint(f.packets, 4),
      uint(f.bytes, 4),
      uint(f.firstMs, 4),
      uint(f.lastMs, 4),
      uint(f.srcPort, 2),
      uint(f.dstPort, 2),
      Buffer.alloc(1),
      uint(f.tcpFlags, 1),
      uint(f.proto, 1),
      Buffer.alloc(9), // tos, AS numbers, masks, pad
    ]),
  );
  return Buffer.concat([head, ...records]);
}

/**
 * One v5 datagram of SYN-only TCP flows (failed-looking attempts, 1 packet of 44 bytes each)
 * from `src` to each of `ports` on `dst`, exported at `unixMs`: a port scan in one packet.
 */
export function v5SynProbes(
  src: string,
  dst: string,
  ports: readonly number[],
  unixMs: number,
  sequence = 1,
): Buffer {
  const uptimeMs = 5_000_000;
  return v5Packet(
    { uptimeMs, unixSecs: Math.floor(unixMs / 1000), unixNsecs: (unixMs % 1000) * 1e6, sequence },
    ports.map((dstPort, i) => ({
      src,
      dst,
      packets: 1,
      bytes: 44,
      firstMs: uptimeMs - 2000 + i,
      lastMs: uptimeMs - 2000 + i,
      srcPort: 40_000 + i,
      dstPort,
      tcpFlags: 0x02,
      proto: 6,
    })),
  );
}
