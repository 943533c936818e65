// The `bus` section of sakura-guard.yaml: where the NATS JetStream cluster is and how records are
// sharded over detector workers (docs/deployment.md).

import { z } from 'zod';

export const busConfigSchema = z.object({
  /** NATS server URLs of the JetStream cluster; empty = no bus (embedded mode). */
  servers: z.array(z.string()).default([]),
  /** JetStream stream that holds the normalised record batches. */
  stream: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('SAKURA_RECORDS'),
  /** Subject the ingest nodes publish to. */
  subject: z.string().default('sakura.records'),
  /** Stream replicas (3 on a 3-node cluster; 1 for a single server). */
  replicas: z.number().int().min(1).max(5).default(3),
  /** Hours a record stays in the stream: bounds the replay a worker does when it takes a shard over. */
  retentionHours: z.number().min(1).default(24),
  /** Flow records per message (about 100 measured best here; see docs/deployment.md). */
  batchRecords: z.number().int().min(1).max(10_000).default(100),
  /** Number of shards (each a durable consumer and a share of the detectors). */
  shards: z.number().int().min(1).max(64).default(4),
  /** Milliseconds a worker's lease on a shard lasts without renewal: the takeover delay after a crash. */
  leaseMs: z.number().int().min(500).default(10_000),
  /** Name of this worker (unique in the cluster); default: host name and process id. */
  workerName: z.string().optional(),
});
export type BusConfig = z.infer<typeof busConfigSchema>;
