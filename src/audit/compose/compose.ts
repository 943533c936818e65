// docker-compose files: published ports, host networking, privileged services, Docker socket
// mounts and services left on the default network.

import { isMap, isScalar, type Node } from 'yaml';
import { makeFinding } from '../checks/finding.ts';
import { isDatabaseImage, servicesIn } from '../net.ts';
import type { AuditFinding, AuditProblem } from '../types.ts';
import {
  type YamlSource,
  child,
  endLineOf,
  keyText,
  lineOf,
  mapPairs,
  pairOf,
  parseYaml,
  scalar,
  seqItems,
} from '../yaml-nodes.ts';
import {
  type PublishedPort,
  bindsAllInterfaces,
  interpolate,
  parseLongPort,
  parseShortPort,
} from './ports.ts';

export interface ComposePublish {
  service: string;
  port: PublishedPort;
  line: number;
  database: boolean;
}

export interface ComposeResult {
  findings: AuditFinding[];
  problems: AuditProblem[];
  /** Ports bound to every interface, for the cross-check against the host firewall. */
  published: ComposePublish[];
}

/** Reads `KEY=value` lines of a compose `.env` file. */
export function parseDotEnv(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!m) continue;
    env.set(m[1]!, m[2]!.replace(/^(["'])(.*)\1$/, '$2'));
  }
  return env;
}

const SOCKET = /(^|:)\/(var\/)?run\/docker\.sock(:|$)/;

export function auditCompose(
  file: string,
  input: string | YamlSource,
  env: ReadonlyMap<string, string> = new Map(),
): ComposeResult {
  const src = typeof input === 'string' ? parseYaml(input) : input;
  const out: ComposeResult = { findings: [], problems: [], published: [] };
  const doc = src.docs[0];
  if (!doc) return out;
  for (const err of doc.errors)
    out.problems.push({
      file,
      line: src.lines.linePos(err.pos[0]).line,
      reason: `yaml: ${err.code}`,
      text: err.message.split('\n')[0] ?? '',
    });
  const services = child(doc.contents, 'services');
  for (const pair of mapPairs(services)) {
    const name = keyText(pair);
    const svc = pair.value;
    if (!isMap(svc)) continue;
    const scope = { startLine: lineOf(src, pair), endLine: endLineOf(src, svc) };
    const at = (node: Node | null | undefined, p?: Parameters<typeof lineOf>[1]) => ({
      file,
      line: lineOf(src, p ?? node),
      endLine: node ? endLineOf(src, node) : lineOf(src, p ?? node),
      resource: `service ${name}`,
      scope,
    });
    const image = String(scalar(child(svc, 'image')) ?? '');
    const networkMode = scalar(child(svc, 'network_mode'));
    if (typeof networkMode === 'string' && interpolate(networkMode, env) === 'host')
      out.findings.push(
        makeFinding(
          'COMPOSE-HOST-NETWORK',
          at(child(svc, 'network_mode'), pairOf(svc, 'network_mode')),
          `service ${name} uses network_mode: host`,
        ),
      );
    const priv = scalar(child(svc, 'privileged'));
    if (priv === true || priv === 'true')
      out.findings.push(
        makeFinding(
          'COMPOSE-PRIVILEGED',
          at(child(svc, 'privileged'), pairOf(svc, 'privileged')),
          `service ${name} runs privileged`,
        ),
      );
    for (const v of seqItems(child(svc, 'volumes'))) {
      const spec = isScalar(v) ? String(v.value) : isMap(v) ? String(scalar(child(v, 'source')) ?? '') : '';
      if (SOCKET.test(interpolate(spec, env)))
        out.findings.push(
          makeFinding('COMPOSE-DOCKER-SOCKET', at(v), `service ${name} mounts the Docker socket (${spec})`),
        );
    }
    if (!pairOf(svc, 'networks') && !pairOf(svc, 'network_mode'))
      out.findings.push(
        makeFinding(
          'COMPOSE-DEFAULT-NETWORK',
          { ...at(null, pair), endLine: lineOf(src, pair) },
          `service ${name} declares no networks and joins the default network`,
        ),
      );
    for (const p of seqItems(child(svc, 'ports'))) checkPort(src, p, name, image, env, at(p), out);
  }
  return out;
}

function checkPort(
  src: YamlSource,
  node: Node,
  service: string,
  image: string,
  env: ReadonlyMap<string, string>,
  at: Parameters<typeof makeFinding>[1],
  out: ComposeResult,
): void {
  let port: PublishedPort | null = null;
  let spec: string;
  if (isScalar(node)) {
    spec = String(node.value);
    port = parseShortPort(interpolate(spec, env));
  } else if (isMap(node)) {
    spec = JSON.stringify(node.toJSON());
    port = parseLongPort(node.toJSON() as Record<string, unknown>, env);
  } else spec = '';
  if (!port) {
    out.problems.push({
      file: at.file,
      line: lineOf(src, node),
      reason: 'compose: unreadable port',
      text: spec,
    });
    return;
  }
  if (!bindsAllInterfaces(port)) return;
  const dbPorts = servicesIn(port.target.from, port.target.to).filter((s) => s.category === 'database');
  const database = port.protocol === 'tcp' && (dbPorts.length > 0 || isDatabaseImage(image));
  out.published.push({ service, port, line: at.line, database });
  const host = port.published
    ? `host port ${port.published.from === port.published.to ? port.published.from : `${port.published.from}-${port.published.to}`}`
    : 'a random host port';
  const iface = port.hostIp === '' ? 'all interfaces' : port.hostIp;
  const what = dbPorts[0]?.name ?? (database ? image : `container port ${port.target.from}`);
  const exposure = {
    direction: 'ingress' as const,
    protocol: port.protocol === 'udp' ? 17 : port.protocol === 'sctp' ? 132 : 6,
    ports: port.published ?? null,
    cidrs: [port.hostIp.includes(':') ? '::/0' : '0.0.0.0/0'],
  };
  out.findings.push(
    makeFinding(
      database ? 'COMPOSE-DATABASE-PORT-PUBLISHED' : 'COMPOSE-PORT-PUBLISHED',
      at,
      `service ${service} publishes ${what} on ${iface}, ${host} ("${spec}")`,
      { exposure },
    ),
  );
}
