// Test and benchmark data for the rules: a seeded mix of flows (IPv4 inside and outside,
// IPv6, missing values, VPC text fields) and of sshd/web events, varied enough that every
// operator meets matching and non-matching values, missing values included.

import { ACTION_ACCEPT, ACTION_REJECT, createFlowBatch, type FlowBatch } from '../core/flow.ts';
import { formatIpv4, parseIpv4 } from '../core/ip.ts';
import type { LogEvent } from '../core/records.ts';

export const T0 = 1_795_400_000;

/** xorshift32: the same numbers on every run. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

const PORTS = [22, 25, 53, 80, 443, 3306, 5432, 6379, 8080, 9200, 27017, 3389, 587, 11211];
const INSIDE = ['10.0.1.', '10.0.2.', '10.20.0.', '192.168.1.', '172.16.5.'];
const OUTSIDE = ['203.0.113.', '198.51.100.', '45.33.32.', '8.8.8.'];

/** `n` flows over `spanSeconds`, time-ordered, one row per distinct connection. */
export function generatedFlows(n: number, seed = 7, spanSeconds = 3600): FlowBatch {
  const rnd = seeded(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const b = createFlowBatch(n);
  for (let i = 0; i < n; i++) {
    const inbound = rnd() < 0.5;
    const inside = `${pick(INSIDE)}${1 + Math.floor(rnd() * 20)}`;
    const outside = `${pick(OUTSIDE)}${1 + Math.floor(rnd() * 50)}`;
    b.start[i] = T0 + Math.floor((i * spanSeconds) / n);
    b.end[i] = b.start[i]! + Math.floor(rnd() * 60);
    if (rnd() < 0.05) {
      b.srcIp6[i] = `2001:db8::${(i % 255).toString(16)}`;
      b.dstIp6[i] = '2001:db8:1::10';
    } else {
      b.srcIp4[i] = parseIpv4(inbound ? outside : inside);
      b.dstIp4[i] = parseIpv4(inbound ? inside : outside);
    }
    b.srcPort[i] = 1024 + (i % 60000);
    b.dstPort[i] = rnd() < 0.03 ? -1 : pick(PORTS);
    b.proto[i] = rnd() < 0.1 ? 17 : 6;
    b.packets[i] = rnd() < 0.05 ? NaN : 1 + Math.floor(rnd() * 100);
    b.bytes[i] = Number.isNaN(b.packets[i]!) ? NaN : b.packets[i]! * (40 + Math.floor(rnd() * 1400));
    b.action[i] = rnd() < 0.3 ? ACTION_REJECT : ACTION_ACCEPT;
    b.tcpFlags[i] = rnd() < 0.5 ? -1 : Math.floor(rnd() * 64);
    b.direction[i] = inbound ? 1 : 2;
    b.resource[i] = rnd() < 0.1 ? null : `eni-${Math.floor(rnd() * 4)}`;
    b.source[i] = 'vpc:test';
    b.text.vpc_id[i] = rnd() < 0.5 ? 'vpc-PROD1' : 'vpc-stage2';
  }
  b.length = n;
  return b;
}

/** sshd-like auth events and web events from a few addresses, time-ordered. */
export function generatedEvents(n: number, seed = 11, spanSeconds = 3600): LogEvent[] {
  const rnd = seeded(seed);
  const out: LogEvent[] = [];
  for (let i = 0; i < n; i++) {
    const src = rnd() < 0.1 ? null : formatIpv4(parseIpv4('203.0.113.0') + Math.floor(rnd() * 6));
    const auth = rnd() < 0.7;
    const outcome = auth ? (rnd() < 0.8 ? 'failure' : 'success') : String(200 + 100 * Math.floor(rnd() * 4));
    out.push({
      time: T0 + Math.floor((i * spanSeconds) / n),
      kind: auth ? 'auth' : 'http',
      outcome,
      src_ip: src,
      src_port: src === null ? null : 40000 + i,
      dst_ip: rnd() < 0.5 ? '10.0.1.5' : null,
      dst_port: auth ? 22 : 443,
      user: auth ? (rnd() < 0.5 ? 'root' : 'Admin') : null,
      message: auth
        ? `${outcome === 'failure' ? 'Failed' : 'Accepted'} password for user`
        : 'GET /index.html',
      source: auth ? 'sshd' : 'access',
      host: 'web-1',
      fields: auth ? { method: rnd() < 0.5 ? 'password' : 'publickey' } : { path: '/index.html' },
    });
  }
  return out;
}
