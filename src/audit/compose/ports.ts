// docker-compose published ports in both syntaxes, with `${VAR:-default}` interpolation.

import { parseIp } from '../../core/ip.ts';

export interface PublishedPort {
  /** Host address the port binds to; '' means every interface. */
  hostIp: string;
  /** Host port range; null when Docker picks one. */
  published: { from: number; to: number } | null;
  target: { from: number; to: number };
  protocol: 'tcp' | 'udp' | 'sctp';
}

/** Replaces `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`; `$$` is a `$`. */
export function interpolate(text: string, env: ReadonlyMap<string, string>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (m, braced?: string, op?: string, arg?: string, bare?: string) => {
      if (m === '$$') return '$';
      const name = braced ?? bare ?? '';
      const v = env.get(name);
      const unsetOrEmpty = v === undefined || (op?.startsWith(':') && v === '');
      switch (op) {
        case ':-':
        case '-':
          return (op === '-' ? v === undefined : unsetOrEmpty) ? (arg ?? '') : (v ?? '');
        case ':+':
        case '+':
          return (op === '+' ? v !== undefined : !unsetOrEmpty) ? (arg ?? '') : '';
        default:
          return v ?? '';
      }
    },
  );
}

function range(t: string): { from: number; to: number } | null {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(t.trim());
  if (!m) return null;
  const from = Number(m[1]);
  const to = m[2] ? Number(m[2]) : from;
  return from <= 65535 && to <= 65535 && from <= to ? { from, to } : null;
}

const proto = (p: string | undefined): PublishedPort['protocol'] | null =>
  p === undefined || p === '' || p === 'tcp' ? 'tcp' : p === 'udp' ? 'udp' : p === 'sctp' ? 'sctp' : null;

/** Short syntax: `80`, `8080:80`, `127.0.0.1:8080:80`, `[::1]:8080:80`, `::1:8080:80`, `/udp`. */
export function parseShortPort(input: string): PublishedPort | null {
  let text = input.trim();
  let protocol: PublishedPort['protocol'] | null = 'tcp';
  const slash = text.lastIndexOf('/');
  if (slash >= 0) {
    protocol = proto(text.slice(slash + 1).toLowerCase());
    text = text.slice(0, slash);
  }
  if (!protocol) return null;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') return null;
    const hostIp = text.slice(1, close);
    const parts = text.slice(close + 2).split(':');
    if (parts.length !== 2) return null;
    return build(hostIp, parts[0]!, parts[1]!, protocol);
  }
  const parts = text.split(':');
  if (parts.length === 1) return build('', '', parts[0]!, protocol);
  if (parts.length === 2) return build('', parts[0]!, parts[1]!, protocol);
  const container = parts.pop()!;
  const host = parts.pop()!;
  return build(parts.join(':'), host, container, protocol);
}

function build(
  hostIp: string,
  host: string,
  container: string,
  protocol: PublishedPort['protocol'],
): PublishedPort | null {
  const target = range(container);
  if (!target) return null;
  const published = host === '' ? null : range(host);
  if (host !== '' && !published) return null;
  if (hostIp !== '' && !parseIp(hostIp)) return null;
  return { hostIp, published, target, protocol };
}

/** Long syntax: `{ target, published, host_ip, protocol }`. */
export function parseLongPort(
  v: Record<string, unknown>,
  env: ReadonlyMap<string, string>,
): PublishedPort | null {
  const str = (x: unknown): string =>
    typeof x === 'number' ? String(x) : typeof x === 'string' ? interpolate(x, env) : '';
  const target = range(str(v.target));
  const protocol = proto(str(v.protocol).toLowerCase());
  if (!target || !protocol) return null;
  const pub = str(v.published);
  const published = pub === '' ? null : range(pub);
  if (pub !== '' && !published) return null;
  const hostIp = str(v.host_ip).replace(/^\[|\]$/g, '');
  if (hostIp !== '' && !parseIp(hostIp)) return null;
  return { hostIp, published, target, protocol };
}

/** True when the binding listens on every interface (no address, 0.0.0.0 or ::). */
export function bindsAllInterfaces(p: PublishedPort): boolean {
  if (p.hostIp === '') return true;
  const ip = parseIp(p.hostIp);
  return ip !== null && ((ip.v6 === null && ip.v4 === 0) || ip.v6 === '::');
}

/** Loopback bindings (127.0.0.0/8, ::1) are reachable only from the host itself. */
export function isLoopbackBinding(p: PublishedPort): boolean {
  const ip = parseIp(p.hostIp);
  return ip !== null && ((ip.v6 === null && ip.v4 >>> 24 === 127) || ip.v6 === '::1');
}
