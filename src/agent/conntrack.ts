// Conntrack -> flow records for the agent. The kernel's connection table (`/proc/net/nf_conntrack`,
// the same lines as `conntrack -L -o extended`) holds, per connection, the packets and bytes of
// each direction when accounting is on (`net.netfilter.nf_conntrack_acct=1`). Each read is
// compared with the previous one and the growth of every connection in between becomes one flow
// record for that interval, shipped as a Zeek conn JSON record (a format the server already
// reads: orig = the connection's original direction, `_node_name` = this host).

export interface ConntrackEntry {
  proto: string;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  packets: number;
  bytes: number;
  replyPackets: number;
  replyBytes: number;
  unreplied: boolean;
}

/** Parses the table's lines; lines it cannot read are skipped (the kernel's format is stable). */
export function parseConntrack(text: string): ConntrackEntry[] {
  const out: ConntrackEntry[] = [];
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    // `ipv4 2 tcp 6 431999 ESTABLISHED src=...` (proc) or `tcp 6 431999 ESTABLISHED src=...`.
    const protoAt = parts[0] === 'ipv4' || parts[0] === 'ipv6' ? 2 : 0;
    const proto = parts[protoAt];
    if (proto === undefined || !/^[a-z]+$/.test(proto)) continue;
    const first: Record<string, string> = {};
    const reply: Record<string, string> = {};
    let unreplied = false;
    for (const p of parts.slice(protoAt + 2)) {
      if (p === '[UNREPLIED]') unreplied = true;
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const k = p.slice(0, eq);
      const target = k in first && k !== 'mark' ? reply : first;
      if (!(k in target)) target[k] = p.slice(eq + 1);
    }
    if (first['src'] === undefined || first['dst'] === undefined) continue;
    out.push({
      proto,
      src: first['src'],
      dst: first['dst'],
      sport: Number(first['sport'] ?? -1),
      dport: Number(first['dport'] ?? -1),
      packets: Number(first['packets'] ?? 0),
      bytes: Number(first['bytes'] ?? 0),
      replyPackets: Number(reply['packets'] ?? 0),
      replyBytes: Number(reply['bytes'] ?? 0),
      unreplied,
    });
  }
  return out;
}

const keyOf = (e: ConntrackEntry): string => `${e.proto} ${e.src} ${e.sport} ${e.dst} ${e.dport}`;

/** Turns successive reads of the table into per-interval flow records (Zeek conn JSON lines). */
export class ConntrackDeltas {
  private previous = new Map<string, ConntrackEntry>();
  private lastMs: number | null = null;
  private readonly host: string;

  constructor(host: string) {
    this.host = host;
  }

  /** Records for what each connection sent since the previous read (all of it on the first read). */
  next(entries: readonly ConntrackEntry[], nowMs: number): string[] {
    const since = this.lastMs ?? nowMs;
    const seen = new Map<string, ConntrackEntry>();
    const out: string[] = [];
    for (const e of entries) {
      const k = keyOf(e);
      seen.set(k, e);
      const before = this.previous.get(k);
      // A counter that went down is a new connection with the same tuple.
      const grew = (now: number, was: number | undefined): number =>
        was === undefined || now < was ? now : now - was;
      const packets = grew(e.packets, before?.packets);
      const replyPackets = grew(e.replyPackets, before?.replyPackets);
      if (before !== undefined && packets === 0 && replyPackets === 0) continue;
      out.push(
        JSON.stringify({
          ts: since / 1000,
          'id.orig_h': e.src,
          'id.orig_p': e.sport,
          'id.resp_h': e.dst,
          'id.resp_p': e.dport,
          proto: e.proto,
          duration: Math.max(0, (nowMs - since) / 1000),
          orig_pkts: packets,
          orig_ip_bytes: grew(e.bytes, before?.bytes),
          resp_pkts: replyPackets,
          resp_ip_bytes: grew(e.replyBytes, before?.replyBytes),
          conn_state: e.unreplied ? 'S0' : 'SF',
          _node_name: this.host,
        }),
      );
    }
    this.previous = seen;
    this.lastMs = nowMs;
    return out;
  }
}
