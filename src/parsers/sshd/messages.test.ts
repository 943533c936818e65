import { describe, expect, it } from 'vitest';
import { parseSshdMessage } from './messages.ts';

describe('parseSshdMessage', () => {
  it.each([
    // [message, outcome, user, ip, port, extra]
    [
      'Failed password for root from 203.0.113.5 port 51122 ssh2',
      'failure',
      'root',
      '203.0.113.5',
      51122,
      { method: 'password' },
    ],
    [
      'Failed password for invalid user admin from 203.0.113.5 port 51122 ssh2',
      'failure',
      'admin',
      '203.0.113.5',
      51122,
      { invalidUser: true },
    ],
    [
      'Failed publickey for git from 2001:db8::1 port 22 ssh2: RSA SHA256:abc',
      'failure',
      'git',
      '2001:db8::1',
      22,
      { method: 'publickey' },
    ],
    [
      'Failed keyboard-interactive/pam for invalid user x from 198.51.100.2 port 4 ssh2',
      'failure',
      'x',
      '198.51.100.2',
      4,
      { method: 'keyboard-interactive/pam' },
    ],
    [
      'Accepted publickey for alice from 198.51.100.7 port 40022 ssh2: ED25519 SHA256:xyz',
      'success',
      'alice',
      '198.51.100.7',
      40022,
      {},
    ],
    // attacker-controlled user names: spaces and a fake " from ... port ..." inside
    [
      'Failed password for invalid user a b from 1.2.3.4 port 5 ssh2 from 9.9.9.9 port 7 ssh2',
      'failure',
      'a b from 1.2.3.4 port 5 ssh2',
      '9.9.9.9',
      7,
      {},
    ],
    ['Invalid user  from 10.0.0.1 port 9', 'invalid_user', '', '10.0.0.1', 9, {}],
    [
      'Invalid user admin from 10.200.0.4 port 42160',
      'invalid_user',
      'admin',
      '10.200.0.4',
      42160,
      { invalidUser: true },
    ],
    ['Invalid user webmaster from 173.234.31.186', 'invalid_user', 'webmaster', '173.234.31.186', null, {}],
    [
      'Connection closed by authenticating user root 179.43.183.98 port 59402 [preauth]',
      'disconnect',
      'root',
      '179.43.183.98',
      59402,
      { preauth: true },
    ],
    [
      'Disconnected from invalid user oracle 5.6.7.8 port 100 [preauth]',
      'disconnect',
      'oracle',
      '5.6.7.8',
      100,
      { invalidUser: true },
    ],
    ['Connection closed by 10.0.0.9 port 22 [preauth]', 'disconnect', null, '10.0.0.9', 22, {}],
    [
      'Received disconnect from 10.200.0.4 port 42160:11: Bye Bye [preauth]',
      'disconnect',
      null,
      '10.200.0.4',
      42160,
      {},
    ],
    [
      'Received disconnect from 139.59.209.18: 11: Bye Bye [preauth]',
      'disconnect',
      null,
      '139.59.209.18',
      null,
      {},
    ],
    [
      'error: maximum authentication attempts exceeded for invalid user x from 1.1.1.1 port 2 ssh2 [preauth]',
      'failure',
      'x',
      '1.1.1.1',
      2,
      { reason: 'max-auth-attempts' },
    ],
    [
      'Unable to negotiate with 123.57.135.134 port 45626: no matching key exchange method found.',
      'negotiation_failed',
      null,
      '123.57.135.134',
      45626,
      {},
    ],
    [
      'Did not receive identification string from 192.0.2.5 port 35836',
      'negotiation_failed',
      null,
      '192.0.2.5',
      35836,
      {},
    ],
    [
      "User root from 10.0.0.40 not allowed because none of user's groups are listed in AllowGroups",
      'failure',
      'root',
      '10.0.0.40',
      null,
      { reason: 'not-allowed' },
    ],
    [
      'Failed password for root from AAAA:BBBB:0000:0000:0000:0000:0000:0001 port 1 ssh2',
      'failure',
      'root',
      'aaaa:bbbb::1',
      1,
      {},
    ],
  ])('%s', (message, outcome, user, ip, port, extra) => {
    const [m, ...rest] = parseSshdMessage('sshd', message);
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ outcome, user, srcIp: ip, srcPort: port, ...extra });
  });

  it('keeps a host name out of the address and in rhost', () => {
    const [m] = parseSshdMessage('sshd', 'error: PAM: Authentication failure for stefanor from example.com');
    expect(m).toMatchObject({ outcome: 'failure', srcIp: null, rhost: 'example.com', user: 'stefanor' });
  });

  it('expands "message repeated N times" and caps it', () => {
    const line = 'message repeated 5 times: [ Failed password for root from 183.62.140.253 port 53710 ssh2]';
    expect(parseSshdMessage('sshd', line)).toHaveLength(5);
    expect(parseSshdMessage('sshd', line, 3)).toHaveLength(3);
    expect(parseSshdMessage('sshd', 'message repeated 2 times: [ Server listening on :: port 22.]')).toEqual(
      [],
    );
  });

  it('reads old sshd(pam_unix) failures by rhost, and only from that program', () => {
    const line =
      'authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4  user=root';
    expect(parseSshdMessage('sshd(pam_unix)', line)).toEqual([
      expect.objectContaining({ outcome: 'failure', srcIp: '218.188.2.4', user: 'root', method: 'pam' }),
    ]);
    expect(parseSshdMessage('sshd', line)).toEqual([]);
  });

  it.each([
    'Server listening on 0.0.0.0 port 22.',
    'pam_unix(sshd:session): session opened for user x',
    '',
    'Failed password',
  ])('ignores %j', (message) => {
    expect(parseSshdMessage('sshd', message)).toEqual([]);
  });
});
