import { describe, expect, it } from 'vitest';
import { parseSyslog } from './header.ts';

const ref = { referenceMs: Date.UTC(2026, 10, 23, 12, 0, 0) };

describe('parseSyslog', () => {
  it.each([
    // [line, format, time (ISO), host, program, pid, message]
    [
      'Nov 23 08:12:19 vm sshd[10349]: Server listening',
      'rfc3164',
      '2026-11-23T08:12:19.000Z',
      'vm',
      'sshd',
      10349,
      'Server listening',
    ],
    [
      'Aug  7 01:02:03 h kernel: [ 1.5] x',
      'rfc3164',
      '2026-08-07T01:02:03.000Z',
      'h',
      'kernel',
      null,
      '[ 1.5] x',
    ],
    [
      'Jul  3 14:59:17 host sshd-session[1571]: Failed',
      'rfc3164',
      '2026-07-03T14:59:17.000Z',
      'host',
      'sshd-session',
      1571,
      'Failed',
    ],
    [
      'Jun 14 15:16:01 combo sshd(pam_unix)[19939]: auth',
      'rfc3164',
      '2026-06-14T15:16:01.000Z',
      'combo',
      'sshd(pam_unix)',
      19939,
      'auth',
    ],
    ['<13>Oct 11 22:14:15 su: BAD SU', 'rfc3164', '2026-10-11T22:14:15.000Z', null, 'su', null, 'BAD SU'],
    [
      "<34>Oct 11 22:14:15 mymachine su: 'su root' failed",
      'rfc3164',
      '2026-10-11T22:14:15.000Z',
      'mymachine',
      'su',
      null,
      "'su root' failed",
    ],
    [
      '2015-04-16T18:02:50.321974+00:00 host sshd[2716]: pam',
      'rfc3339',
      '2015-04-16T18:02:50.321Z',
      'host',
      'sshd',
      2716,
      'pam',
    ],
    ['2024-01-02T03:04:05+0900 h prog: m', 'rfc3339', '2024-01-01T18:04:05.000Z', 'h', 'prog', null, 'm'],
    [
      'Nov 23 08:12:19.123456 vm sshd[1]: precise',
      'rfc3164',
      '2026-11-23T08:12:19.123Z',
      'vm',
      'sshd',
      1,
      'precise',
    ],
    [
      '<38>1 2019-07-08T17:40:16.954167-04:00 hostname.example.com sshd 57915 - - Failed x',
      'rfc5424',
      '2019-07-08T21:40:16.954Z',
      'hostname.example.com',
      'sshd',
      57915,
      'Failed x',
    ],
  ])('%s', (line, format, iso, host, program, pid, msg) => {
    const r = parseSyslog(line, ref);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.format).toBe(format);
    expect(new Date(r.value.time! * 1000).toISOString()).toBe(iso);
    expect([r.value.host, r.value.program, r.value.pid, r.value.message]).toEqual([host, program, pid, msg]);
  });

  it('reads RFC 5424 structured data with escaped brackets, NILVALUEs and a BOM', () => {
    const r = parseSyslog(
      '<38>1 2019-07-08T17:40:17.954167-04:00 h sshd - ID47 [timeQuality tzKnown="1"][x@1 t="[a\\]b]"] \uFEFFhello world',
      ref,
    );
    expect(r.ok && r.value).toMatchObject({
      pid: null,
      msgid: 'ID47',
      structuredData: '[timeQuality tzKnown="1"][x@1 t="[a\\]b]"]',
      message: 'hello world',
      facility: 4,
      severity: 6,
    });
    const nil = parseSyslog('<165>1 - - - - - -', ref);
    expect(nil.ok && nil.value).toMatchObject({ time: null, host: null, program: null, message: '' });
  });

  it('puts a December line read in January in the previous year', () => {
    const jan = { referenceMs: Date.UTC(2027, 0, 2) };
    const dec = parseSyslog('Dec 31 23:59:59 h p: m', jan);
    const newYear = parseSyslog('Jan  1 00:00:01 h p: m', jan);
    expect(dec.ok && new Date(dec.value.time! * 1000).toISOString()).toBe('2026-12-31T23:59:59.000Z');
    expect(newYear.ok && new Date(newYear.value.time! * 1000).toISOString()).toBe('2027-01-01T00:00:01.000Z');
  });

  it('applies the sender offset to RFC 3164 times and finds the last leap year for Feb 29', () => {
    const jst = parseSyslog('Nov 23 09:00:00 h p: m', { ...ref, utcOffsetMinutes: 540 });
    expect(jst.ok && jst.value.time).toBe(Date.UTC(2026, 10, 23, 0, 0, 0) / 1000);
    const leap = parseSyslog('Feb 29 10:00:00 h p: m', ref);
    expect(leap.ok && new Date(leap.value.time! * 1000).getUTCFullYear()).toBe(2024);
  });

  it('accepts timeless journal lines only with a host and a tag', () => {
    const r = parseSyslog('srv sshd[13709]: error: PAM', ref);
    expect(r.ok && r.value).toMatchObject({
      format: 'no-time',
      time: null,
      host: 'srv',
      program: 'sshd',
      pid: 13709,
    });
    expect(parseSyslog('just some words here', ref)).toEqual({ ok: false, reason: 'no-syslog-header' });
  });

  it.each([
    ['<999>Oct 11 22:14:15 h p: m', 'bad-pri'],
    ['<1x>Oct 11 22:14:15 h p: m', 'bad-pri'],
    ['<13>1 2019-13-08T17:40:16Z h a - - - m', 'bad-time'],
    ['<13>1 2019-07-08T17:40:16Z h a - - [unterminated m', 'rfc5424-structured-data'],
    ['<13>1 2019-07-08T17:40:16Z h', 'rfc5424-header'],
    ['Feb 30 10:00:00 h p: m', 'bad-time'],
    ['Nov 23 25:00:00 h p: m', 'bad-time'],
  ])('rejects %s', (line, reason) => {
    expect(parseSyslog(line, ref)).toEqual({ ok: false, reason });
  });
});
