// Where alert channels may send: a guard against server-side request forgery. A channel URL is
// set by an admin (or through the API), so a mistaken or malicious one must not turn the server
// into a client of the cloud's metadata service or of link-local, unspecified or multicast
// addresses. Every address the host name resolves to is checked before the request. Private and
// loopback addresses stay allowed: a self-hosted product legitimately posts to an internal chat
// server. Limitation: the name is resolved again by the HTTP client, so a DNS answer that
// changes between the two lookups (rebinding) is not caught; put channels on names you control.

import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { parseIpv4, parseIpv6Groups } from '../core/ip.ts';
import { SinkError } from './sink.ts';

/** Why an address may not be reached, or null when it may. */
export function forbiddenAddress(address: string): string | null {
  if (isIP(address) === 4) {
    const v = parseIpv4(address);
    const a = v >>> 24;
    if (a === 0) return 'an unspecified (0.0.0.0/8) address';
    if (a === 169 && ((v >>> 16) & 0xff) === 254) return 'a link-local address (cloud metadata lives there)';
    if (a >= 224) return 'a multicast or reserved address';
    if (address === '100.100.100.200') return 'a cloud metadata address';
    return null;
  }
  const g = parseIpv6Groups(address);
  if (g === null) return 'an unreadable address';
  if (g.every((x) => x === 0)) return 'the unspecified address ::';
  if ((g[0]! & 0xffc0) === 0xfe80) return 'a link-local address';
  if ((g[0]! & 0xff00) === 0xff00) return 'a multicast address';
  if (g[0] === 0xfd00 && g[1] === 0x0ec2) return 'a cloud metadata address';
  // IPv4-mapped (::ffff:a.b.c.d): judge the IPv4 address.
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return forbiddenAddress(`${g[6]! >>> 8}.${g[6]! & 0xff}.${g[7]! >>> 8}.${g[7]! & 0xff}`);
  }
  return null;
}

export type Resolve = (host: string) => Promise<string[]>;

const systemResolve: Resolve = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

/** Throws a permanent SinkError when the URL's host is, or resolves to, a forbidden address. */
export async function checkEgress(url: string, resolve: Resolve = systemResolve): Promise<void> {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    throw new SinkError('the channel URL cannot be read', { retryable: false });
  }
  let addresses: string[];
  if (isIP(host) !== 0) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch (e) {
      // A name that does not resolve now may later: let the request fail and be retried.
      void e;
      return;
    }
  }
  for (const a of addresses) {
    const why = forbiddenAddress(a);
    if (why !== null) {
      throw new SinkError(`refused to send to ${host}: it is ${why} (docs/alerting.md, "Egress")`, {
        retryable: false,
      });
    }
  }
}
