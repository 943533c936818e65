import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { formatIpv4 } from '../core/ip.ts';
import type { LogEvent, Rejection } from '../core/records.ts';
import { openFlowInputs } from './files.ts';
import { chooseLogFlowParser, firstLines } from './log-flows.ts';

// Lines written the way the lab's tools wrote them (our own lab data, shared/datasets/generated).
const IPTABLES = [
  'Nov 23 08:12:26 vm kernel: [ 3502.375896] NDR-DROP: IN=veth-vic OUT= MAC=32:f0:9c:36:dc:15:ae:90:4a:9a:de:37:08:00 SRC=10.200.0.1 DST=10.200.0.2 LEN=44 TOS=0x00 PREC=0x00 TTL=46 ID=30385 PROTO=TCP SPT=46476 DPT=110 WINDOW=1024 RES=0x00 SYN URGP=0 ',
  'Nov 23 08:12:26 vm kernel: [ 3502.375916] NDR-DROP: IN=veth-vic OUT= MAC=32:f0:9c:36:dc:15:ae:90:4a:9a:de:37:08:00 SRC=10.200.0.1 DST=10.200.0.2 LEN=44 TOS=0x00 PREC=0x00 TTL=42 ID=45071 PROTO=TCP SPT=46476 DPT=21 WINDOW=1024 RES=0x00 SYN URGP=0 ',
];
const NFDUMP = [
  'ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,smk,dmk,dtos,dir,nh,nhb,svln,dvln,ismc,odmc,idmc,osmc,mpls1,mpls2,mpls3,mpls4,mpls5,mpls6,mpls7,mpls8,mpls9,mpls10,cl,sl,al,ra,eng,exid,tr',
  '2026-11-23 08:12:26,2026-11-23 08:12:26,0.000,10.200.0.1,10.200.0.2,46476,22,TCP,.....RS.,0,0,2,84,0,0,0,0,0,0,0,0,0,0,0.0.0.0,0.0.0.0,0,0,00:00:00:00:00:00,00:00:00:00:00:00,00:00:00:00:00:00,00:00:00:00:00:00,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,    0.000,    0.000,    0.000,127.0.0.1,0/0,1,2026-11-23 08:15:01.809',
];
const ZEEK = [
  '#separator \\x09',
  '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents',
  '1447864573.943457\tCxl7TP23vZQ4RolkJf\t10.0.2.112\t49168\t195.113.214.219\t80\ttcp\thttp\t0.055687\t261\t1077\tSF\t-\t-\t0\tShADadfF\t5\t473\t5\t1281\t(empty)',
];
const SSHD = ['Nov 23 08:12:40 vm sshd[10644]: Invalid user admin from 10.200.0.4 port 42160'];
const ACCESS =
  '10.200.0.9 - - [23/Nov/2026:08:13:02 +0000] "GET /admin/ HTTP/1.1" 404 153 "-" "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)"';
const CRON = 'Nov 23 08:17:01 vm CRON[2201]: (root) CMD (cd / && run-parts --report /etc/cron.hourly)';
const ZEEK_JSON =
  '{"ts":1447864573.943457,"uid":"C1","id.orig_h":"192.168.1.9","id.orig_p":49168,"id.resp_h":"45.33.32.156","id.resp_p":22,"proto":"tcp","conn_state":"REJ"}';

describe('flow formats recognised by their first lines', () => {
  it('picks the parser from the lines, event logs included', () => {
    expect(chooseLogFlowParser(IPTABLES, 'k.log', 0)).toMatchObject({
      kind: 'parser',
      format: 'syslog-iptables',
    });
    expect(chooseLogFlowParser(NFDUMP, 'n.csv', 0)).toMatchObject({ kind: 'parser', format: 'nfdump-csv' });
    expect(chooseLogFlowParser(ZEEK, 'conn.log', 0)).toMatchObject({ kind: 'parser', format: 'zeek-tsv' });
    expect(chooseLogFlowParser(SSHD, 'auth.log', 0)).toMatchObject({ kind: 'parser', format: 'syslog-sshd' });
    expect(chooseLogFlowParser([ACCESS], 'access.log', 0)).toMatchObject({
      kind: 'parser',
      format: 'access',
    });
    expect(chooseLogFlowParser([CRON], 'syslog', 0)).toMatchObject({ kind: 'parser', format: 'syslog' });
    const vpc = '2 123456789012 eni-1 10.0.0.1 10.0.0.2 1000 443 6 1 40 1795392000 1795392060 ACCEPT OK';
    expect(chooseLogFlowParser([vpc], 'vpc.log', 0)).toEqual({ kind: 'none' });
  });

  it('drops a cut last line unless the input ended', () => {
    expect(firstLines(Buffer.from('a\nb\nc'), false)).toEqual(['a', 'b']);
    expect(firstLines(Buffer.from('a\nb\nc'), true)).toEqual(['a', 'b', 'c']);
  });

  it('imports each file with its own parser: flows and events', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sg-logflows-'));
    writeFileSync(path.join(dir, 'a-kern.log.gz'), gzipSync(`${IPTABLES.join('\n')}\n`));
    writeFileSync(path.join(dir, 'b-flows.csv'), `${NFDUMP.join('\n')}\n`);
    writeFileSync(path.join(dir, 'c-conn.log'), `${ZEEK.join('\n')}\n`);
    writeFileSync(path.join(dir, 'd-auth.log'), `${SSHD.join('\n')}\nnot syslog at all\n`);
    writeFileSync(path.join(dir, 'e-access.log'), `${ACCESS}\n`);
    writeFileSync(path.join(dir, 'f-conn.json'), `${ZEEK_JSON}\n`);
    const flows: { source: string; src: string; dport: number }[] = [];
    const rejections: Rejection[] = [];
    const events: LogEvent[] = [];
    for await (const ev of openFlowInputs([dir])) {
      if (ev.kind !== 'output') continue;
      rejections.push(...ev.output.rejections);
      events.push(...(ev.output.events ?? []));
      for (const b of ev.output.batches)
        for (let i = 0; i < b.length; i++)
          flows.push({
            source: b.source[i] ?? '',
            src: b.srcIp6[i] ?? formatIpv4(b.srcIp4[i]!),
            dport: b.dstPort[i]!,
          });
    }
    expect(flows).toEqual([
      { source: 'iptables', src: '10.200.0.1', dport: 110 },
      { source: 'iptables', src: '10.200.0.1', dport: 21 },
      { source: 'nfdump', src: '10.200.0.1', dport: 22 },
      { source: 'zeek', src: '10.0.2.112', dport: 80 },
      { source: 'zeek', src: '192.168.1.9', dport: 22 },
    ]);
    expect(events.map((e) => [e.kind, e.outcome, e.src_ip, e.user, e.source])).toEqual([
      ['auth', 'invalid_user', '10.200.0.4', 'admin', 'sshd'],
      ['http', '404', '10.200.0.9', null, 'access'],
    ]);
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toMatchObject({ line: 2, text: 'not syslog at all' });
    expect(rejections[0]!.file).toMatch(/d-auth\.log$/);
  });

  it('reads every text file as the forced line format', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sg-logforced-'));
    // An access line that a syslog-shaped router line would not be sniffed as: forced to the router parser.
    const router =
      'Nov 23 08:12:26 vpc-router kernel: FW-DROP: IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 LEN=40 PROTO=TCP SPT=4444 DPT=23';
    writeFileSync(path.join(dir, 'router.log'), `${router}\n`);
    const events: LogEvent[] = [];
    for await (const ev of openFlowInputs([dir], { lineFormat: 'sakura-router' }))
      if (ev.kind === 'output') events.push(...(ev.output.events ?? []));
    expect(events.map((e) => [e.kind, e.src_ip, e.dst_port, e.source])).toEqual([
      ['firewall', '198.51.100.7', 23, 'sakura-router'],
    ]);
  });
});
