// A connection to the NATS JetStream cluster and the record stream every node shares; ingest
// nodes create the stream on first start (idempotent), workers only open it.

import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { EXIT_USAGE, UserError, errorMessage } from '../core/errors.ts';
import type { BusConfig } from './config.ts';

export interface Bus {
  readonly config: BusConfig;
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  close(): Promise<void>;
}

export async function connectBus(config: BusConfig): Promise<Bus> {
  if (config.servers.length === 0) {
    throw new UserError('the bus has no servers', {
      hint: 'set scaleOut.bus.servers in sakura-guard.yaml to the NATS URLs of the JetStream cluster',
      exitCode: EXIT_USAGE,
    });
  }
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: config.servers, name: 'sakura-guard', maxReconnectAttempts: -1 });
  } catch (e) {
    throw new UserError(`cannot connect to NATS at ${config.servers.join(', ')}: ${errorMessage(e)}`, {
      hint: 'check scaleOut.bus.servers and that nats-server runs with JetStream enabled',
      exitCode: EXIT_USAGE,
      cause: e,
    });
  }
  const jsm = await jetstreamManager(nc);
  return {
    config,
    nc,
    js: jetstream(nc),
    jsm,
    close: () => nc.drain(),
  };
}

/** Creates the record stream when it does not exist (a no-op when it does). */
export async function ensureStream(bus: Bus): Promise<void> {
  const { config, jsm } = bus;
  try {
    await jsm.streams.info(config.stream);
    return;
  } catch {
    // absent: create it below
  }
  await jsm.streams.add({
    name: config.stream,
    subjects: [config.subject],
    num_replicas: config.replicas,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    max_age: Math.round(config.retentionHours * 3600 * 1e9),
  });
}
