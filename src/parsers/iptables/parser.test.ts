import { SHARED_DATASETS } from '../../../test/shared-datasets.ts';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { flowAt, type FlowRecord } from '../../core/flow.ts';
import { FirewallLogParser, type FirewallLogParserOptions } from './parser.ts';

const DATA = SHARED_DATASETS;

function parseAll(input: string | Buffer, options: Partial<FirewallLogParserOptions> = {}) {
  const p = new FirewallLogParser({ referenceMs: Date.UTC(2026, 11, 31), ...options });
  const a = p.push(Buffer.isBuffer(input) ? input : Buffer.from(input));
  const b = p.end();
  const rows: FlowRecord[] = [];
  for (const batch of [...a.batches, ...b.batches])
    for (let i = 0; i < batch.length; i++) rows.push(flowAt(batch, i));
  return { rows, rejections: [...a.rejections, ...b.rejections], skipped: p.skipped };
}

const K = 'Nov 23 08:12:26 vm kernel: [ 3502.375896] ';

describe('FirewallLogParser', () => {
  it.each([
    [
      'TCP SYN with a prefix touching IN=',
      `${K}NDR-DROP: IN=veth-vic OUT= MAC=32:f0:9c:36:dc:15:ae:90:4a:9a:de:37:08:00 SRC=10.200.0.1 DST=10.200.0.2 LEN=44 TOS=0x00 PREC=0x00 TTL=46 ID=30385 PROTO=TCP SPT=46476 DPT=110 WINDOW=1024 RES=0x00 SYN URGP=0 `,
      {
        src_ip: '10.200.0.1',
        dst_ip: '10.200.0.2',
        src_port: 46476,
        dst_port: 110,
        proto: 6,
        bytes: 44,
        packets: 1,
        tcp_flags: 2,
        action: 'reject',
        direction: 'ingress',
        resource: 'vm',
        source: 'iptables',
      },
    ],
    [
      'UDP: the first LEN= (IP) is the size, not the second (UDP)',
      `${K}IPTABLES-DROP: IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=127.0.0.1 DST=127.0.0.53 LEN=76 TOS=0x00 PREC=0x00 TTL=64 ID=25029 DF PROTO=UDP SPT=49007 DPT=53 LEN=56 `,
      { bytes: 76, proto: 17, dst_port: 53, tcp_flags: null },
    ],
    [
      'ICMP error: the bracketed inner packet does not overwrite SRC/DST',
      `${K}[UFW BLOCK] IN=eth0 OUT= SRC=192.0.2.1 DST=198.51.100.2 LEN=68 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=3 CODE=3 [SRC=198.51.100.2 DST=192.0.2.1 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=2 PROTO=UDP SPT=1 DPT=2 LEN=20 ] `,
      {
        src_ip: '192.0.2.1',
        dst_ip: '198.51.100.2',
        bytes: 68,
        proto: 1,
        src_port: null,
        action: 'reject',
        text: { extra: '{"prefix":"[UFW BLOCK]","in":"eth0","out":"","icmp_type":3,"icmp_code":3}' },
      },
    ],
    [
      'uncompressed IPv6, outbound, ACK PSH flags, an accept prefix with spaces',
      `${K}my ALLOW rule: IN= OUT=eth0 SRC=2001:0db8:0000:0000:0000:0000:0000:0001 DST=2001:0db8:0000:0000:0000:0000:0000:0002 LEN=80 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP SPT=22 DPT=5000 WINDOW=1 RES=0x00 ACK PSH URGP=0`,
      { src_ip: '2001:db8::1', dst_ip: '2001:db8::2', tcp_flags: 24, action: 'accept', direction: 'egress' },
    ],
    [
      'a forwarded packet has no direction from this host',
      `${K}FWD IN=eth0 OUT=eth1 SRC=10.0.0.1 DST=10.0.0.2 LEN=60 PROTO=47`,
      { direction: 'unknown', proto: 47, action: 'unknown' },
    ],
  ])('%s', (_name, line, want) => {
    const { rows, rejections } = parseAll(line);
    expect(rejections).toEqual([]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject(want);
  });

  it('reads lines without a syslog header (Proxmox, epoch stamp) and pf filterlog', () => {
    // Proxmox line from crowdsec-hub (MIT): no syslog header, its own stamp, empty IN= omitted.
    const { rows, rejections } = parseAll(
      [
        '0 1 PVEFW-HOST-OUT 20/Jun/2022:13:16:23 +0200 REJECT: OUT=vmbr0.94 SRC=10.3.94.12 DST=10.3.94.10 LEN=60 TOS=0x10 PREC=0x00 TTL=64 ID=59156 DF PROTO=TCP SPT=49566 DPT=22 SEQ=708451139 ACK=0 WINDOW=64240 SYN ',
        '1700000000 DSHIELDINPUT IN=eth0 OUT= SRC=192.0.2.7 DST=10.0.0.1 LEN=40 PROTO=TCP SPT=1 DPT=23 SYN',
        'Sep 30 14:35:50 pfSense filterlog: 53,,,1000102631,em0,match,block,in,4,0x0,,64,892,0,none,6,tcp,44,10.0.2.2,10.0.2.15,59576,22,0,S,17536001,,65535,,mss',
        'Sep 30 14:35:50 pfSense filterlog: 5,,,1000000103,em0,match,pass,out,6,0x00,0x00000,64,udp,17,60,2001:db8::1,2001:db8::2,5353,53,60',
        'Sep 30 14:35:50 pfSense filterlog: 5,,,1,em0,match,block,in,4,0x0',
      ].join('\n'),
    );
    expect(
      rows.map((r) => [r.time, r.src_ip, r.dst_port, r.action, r.direction, r.source, r.tcp_flags]),
    ).toEqual([
      [Date.UTC(2022, 5, 20, 11, 16, 23) / 1000, '10.3.94.12', 22, 'reject', 'egress', 'iptables', 2],
      [1700000000, '192.0.2.7', 23, 'unknown', 'ingress', 'iptables', 2],
      [Date.UTC(2026, 8, 30, 14, 35, 50) / 1000, '10.0.2.2', 22, 'reject', 'ingress', 'pf', 2],
      [Date.UTC(2026, 8, 30, 14, 35, 50) / 1000, '2001:db8::1', 53, 'accept', 'egress', 'pf', null],
    ]);
    expect(rows[0]!.text.extra).toBe('{"prefix":"REJECT:","in":"","out":"vmbr0.94"}');
    expect(rejections.map((r) => [r.line, r.reason])).toEqual([[5, 'pf:field-count']]);
  });

  it('maps prefixes through the configured rules', () => {
    const line = `${K}weird-prefix: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=60 PROTO=TCP SPT=1 DPT=2 SYN`;
    const custom = parseAll(line, { actions: { rules: [{ match: 'weird-prefix', action: 'accept' }] } });
    expect(custom.rows[0]?.action).toBe('accept');
    expect(parseAll(line, { actions: { default: 'reject' } }).rows[0]?.action).toBe('reject');
  });

  it('skips other kernel lines, rejects broken LOG lines and garbage, survives a giant line', () => {
    const { rows, rejections, skipped } = parseAll(
      [
        `${K}eth0: link up`,
        `${K}X IN=eth0 OUT= SRC=999.1.1.1 DST=10.0.0.2 LEN=60 PROTO=TCP`,
        `${K}X IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=60 PROTO=TCP SPT=99999 DPT=1`,
        `${K}X IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 PROTO=TCP`,
        `${K}X IN=eth0 OUT= SRC=10.0.0.1 DST=10.0`,
        '\u0000\u0001\u00ff binary',
        'y'.repeat(100_000),
        `${K}OK IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=60 PROTO=TCP SPT=1 DPT=2 SYN`,
      ].join('\n'),
    );
    expect(rows.map((r) => r.dst_port)).toEqual([2]);
    expect(skipped).toBe(1);
    expect(rejections.map((r) => [r.line, r.reason]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [2, 'bad-ip:SRC'],
      [3, 'bad-port'],
      [4, 'bad-number:LEN'],
      [5, 'bad-ip:DST'],
      [6, 'no-syslog-header'],
      [7, 'line-too-long'],
    ]);
  });

  describe.skipIf(!existsSync(DATA))('real logs', () => {
    it('lab kern.log: 5 242 NDR-DROP rows, no rejects, the scanners among the sources', () => {
      const { rows, rejections } = parseAll(
        gunzipSync(readFileSync(`${DATA}/generated/ndr-lab.iptables-kern.log.gz`)),
      );
      expect(rejections).toEqual([]);
      expect(rows).toHaveLength(5242);
      expect(rows.every((r) => r.action === 'reject' && r.resource === 'vm' && r.packets === 1)).toBe(true);
      const vertical = rows.filter((r) => r.src_ip === '10.200.0.1');
      expect(new Set(vertical.map((r) => r.dst_port)).size).toBeGreaterThan(1000);
      const bySrc = new Map<string, number>();
      for (const r of rows) bySrc.set(r.src_ip, (bySrc.get(r.src_ip) ?? 0) + 1);
      expect(Object.fromEntries(bySrc)).toEqual({
        '10.200.0.1': 2044,
        '10.200.0.3': 200,
        '10.200.0.50': 1998,
        '10.200.0.7': 1000,
      });
      // Times (year from the reference, zone UTC) fall inside the labelled windows, ±2 s.
      const labels = new Map<string, number>();
      for (const line of readFileSync(`${DATA}/generated/ndr-lab.labels.csv`, 'utf8').split('\n').slice(1)) {
        const [event, , epoch] = line.split(',');
        if (event && epoch) labels.set(event, Number(epoch));
      }
      const within = (src: string, from: string, to: string): boolean =>
        rows
          .filter((r) => r.src_ip === src)
          .every((r) => r.time >= labels.get(from)! - 2 && r.time <= labels.get(to)! + 2);
      expect(within('10.200.0.1', 'vscan_start', 'vscan_end')).toBe(true);
      expect(within('10.200.0.3', 'hscan_start', 'hscan_end')).toBe(true);
      expect(within('10.200.0.7', 'udpflood_start', 'udpflood_end')).toBe(true);
      expect(
        rows.filter((r) => r.src_ip === '10.200.0.7').every((r) => r.proto === 17 && r.dst_port === 53),
      ).toBe(true);
    });

    it.each([
      ['iptables-scan-multi-port', 'iptables-scan-multi-port.log', '62.34.17.168', 49],
      ['iptables-logs', 'iptables-logs.log', '195.54.160.107', 3],
      ['proxmox-iptables-logs', 'proxmox-iptables.log', '10.3.95.34', 10],
      ['pf-scan-multi-port', 'pf-scan-multi-port.log', '10.0.2.2', 16],
    ])('crowdsec %s', (dir, file, attacker, count) => {
      const { rows, rejections } = parseAll(readFileSync(`${DATA}/crowdsec-hub/${dir}/${file}`), {
        referenceMs: Date.UTC(2022, 11, 31),
      });
      expect(rejections).toEqual([]);
      expect(rows).toHaveLength(count);
      expect(rows.some((r) => r.src_ip === attacker)).toBe(true);
    });
  });
});
