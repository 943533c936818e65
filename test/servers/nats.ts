// A throwaway 3-node nats-server (Debian's 2.9 here) JetStream cluster on 127.0.0.1: one config
// file, store directory and client/cluster port pair per node, in a temp directory. Nodes can be
// stopped and started again to test fail-over.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { findBinary, freePort, removeDir, startChild, tempDir, waitFor, type Child } from './process.ts';

export const NATS_BINARY = findBinary(['/usr/sbin/nats-server', '/usr/bin/nats-server']);

export interface NatsCluster {
  /** nats://127.0.0.1:PORT of every node. */
  readonly servers: string[];
  /** Process ids of the running nodes (the benchmark reads their CPU time). */
  pids(): number[];
  stop(): Promise<void>;
}

interface Node {
  name: string;
  client: number;
  cluster: number;
  config: string;
  child: Child | null;
}

function nodeConfig(dir: string, node: Node, all: readonly Node[]): string {
  return `server_name: ${node.name}
listen: 127.0.0.1:${node.client}
jetstream { store_dir: "${join(dir, node.name)}", max_memory_store: 256MB, max_file_store: 2GB }
cluster {
  name: sakura-test
  listen: 127.0.0.1:${node.cluster}
  routes: [${all.map((n) => `nats-route://127.0.0.1:${n.cluster}`).join(', ')}]
}
`;
}

/** True when the cluster has a JetStream meta leader (streams can be created). */
async function jetStreamReady(servers: string[]): Promise<boolean> {
  const nc = await connect({ servers, timeout: 1000, reconnect: false });
  try {
    const jsm = await jetstreamManager(nc, { timeout: 1000 });
    await jsm.getAccountInfo();
    return true;
  } finally {
    await nc.close();
  }
}

export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  if (NATS_BINARY === null) throw new Error('nats-server is not installed');
  const binary = NATS_BINARY;
  const dir = tempDir('sg-nats-');
  const nodes: Node[] = [];
  for (let i = 0; i < size; i++) {
    nodes.push({
      name: `n${i + 1}`,
      client: await freePort(),
      cluster: await freePort(),
      config: '',
      child: null,
    });
  }
  for (const n of nodes) {
    n.config = join(dir, `${n.name}.conf`);
    writeFileSync(n.config, nodeConfig(dir, n, nodes));
  }
  for (const n of nodes) n.child = startChild(binary, ['-c', n.config]);
  const servers = nodes.map((n) => `nats://127.0.0.1:${n.client}`);
  const stopAll = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.child?.stop()));
    removeDir(dir);
  };
  try {
    await waitFor(
      () => jetStreamReady(servers),
      60_000,
      () => nodes.map((n) => `${n.name}: ${n.child?.output() ?? ''}`).join('\n'),
    );
  } catch (e) {
    await stopAll();
    throw e;
  }
  return {
    servers,
    pids: () => nodes.flatMap((n) => (n.child?.process.pid === undefined ? [] : [n.child.process.pid])),
    stop: stopAll,
  };
}
