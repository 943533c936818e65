import { SHARED_DATASETS } from '../../../test/shared-datasets.ts';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sniffLogFormat } from './sniff.ts';

const DATA = SHARED_DATASETS;

function head(path: string): string[] {
  let buf = readFileSync(path);
  if (path.endsWith('.gz')) buf = gunzipSync(buf);
  return buf
    .subarray(0, 64 * 1024)
    .toString('utf8')
    .split('\n')
    .slice(0, 20);
}

describe('sniffLogFormat', () => {
  it.each([
    [['#separator \\x09', '#set_separator\t,'], 'zeek-tsv'],
    [['{"ts":1.5,"uid":"C","id.orig_h":"1.1.1.1"}'], 'zeek-json'],
    [['ts,te,td,sa,da,sp,dp,pr'], 'nfdump-csv'],
    [['1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "x"'], 'access'],
    [
      ['Nov 23 08:12:26 vm kernel: [ 1.0] X: IN=eth0 OUT= SRC=1.1.1.1 DST=2.2.2.2 LEN=1 PROTO=TCP'],
      'syslog-iptables',
    ],
    [
      ['Nov 23 08:12:40 vm sshd[1]: Invalid user a from 1.1.1.1 port 2', 'Nov 23 08:12:40 vm CRON[2]: x'],
      'syslog-sshd',
    ],
    [['Nov 23 08:12:40 vm CRON[2]: x'], 'syslog'],
    [['hello', 'world'], null],
    [[], null],
  ])('%j -> %s', (lines, want) => {
    expect(sniffLogFormat(lines)).toBe(want);
  });

  it.skipIf(!existsSync(DATA)).each([
    ['generated/ndr-lab.auth.log', 'syslog-sshd'],
    ['generated/ndr-lab.iptables-kern.log.gz', 'syslog-iptables'],
    ['generated/ndr-lab.nginx-access.log.gz', 'access'],
    ['generated/ndr-lab.nfdump-v5.csv.gz', 'nfdump-csv'],
    ['elastic-apache/apache_logs.gz', 'access'],
    ['loghub/OpenSSH/OpenSSH_2k.log', 'syslog-sshd'],
    ['slips/port-scans/vertical/conn.log', 'zeek-json'],
    ['slips/port-scans/horizontal/conn.log', 'zeek-tsv'],
    ['crowdsec-hub/pf-scan-multi-port/pf-scan-multi-port.log', 'syslog-pf'],
    ['crowdsec-hub/proxmox-iptables-logs/proxmox-iptables.log', 'syslog-iptables'],
    // nginx error-log lines first: the web server log parser reads both kinds.
    ['crowdsec-hub/nginx-http-generic-bf/nginx-http-generic-bf.log', 'access'],
  ])('%s -> %s', (file, want) => {
    expect(sniffLogFormat(head(`${DATA}/${file}`))).toBe(want);
  });
});
