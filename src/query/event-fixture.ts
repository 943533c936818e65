// Test support: the log events the real fixture store (test-fixture.ts) holds in `events`, for
// pipe queries that read them (`source events`).

import type { LogEvent } from '../core/records.ts';

const event = (
  at: number,
  kind: LogEvent['kind'],
  outcome: string,
  src: string | null,
  user: string | null,
  source: string,
  fields: LogEvent['fields'],
): Omit<LogEvent, 'time'> & { at: number } => ({
  at,
  kind,
  outcome,
  src_ip: src,
  src_port: src === null ? null : 40000 + at,
  dst_ip: null,
  dst_port: null,
  user,
  message: `${source} ${outcome} ${user ?? '-'} from ${src ?? '-'}`,
  source,
  host: kind === 'http' ? 'web-1' : 'bastion',
  fields,
});

/** Log events of the real store (`events`): sshd failures and a success, web requests. */
export const FIXTURE_EVENTS = [
  event(100, 'auth', 'failure', '203.0.113.9', 'root', 'sshd', { program: 'sshd', method: 'password' }),
  event(101, 'auth', 'failure', '203.0.113.9', 'admin', 'sshd', { program: 'sshd', method: 'password' }),
  event(102, 'auth', 'invalid_user', '203.0.113.9', 'oracle', 'sshd', { program: 'sshd', invalid_user: 1 }),
  event(103, 'auth', 'failure', '198.51.100.4', 'root', 'sshd', {
    program: 'sshd-session',
    method: 'password',
  }),
  event(104, 'auth', 'success', '192.0.2.10', 'deploy', 'sshd', { program: 'sshd', method: 'publickey' }),
  event(200, 'http', '200', '192.0.2.10', null, 'access', { status: 200, method: 'GET', path: '/' }),
  event(201, 'http', '404', '203.0.113.9', null, 'access', { status: 404, method: 'GET', path: '/.env' }),
  event(202, 'http', '401', '2001:db8::7', 'admin', 'access', {
    log: 'error',
    error: 'auth_fail',
    status: 401,
    path: '/admin',
  }),
];

export function fixtureEvents(dayStart: number): LogEvent[] {
  return FIXTURE_EVENTS.map(({ at, ...e }) => ({ ...e, time: dayStart + at }));
}
