// The `scaleOut` section of sakura-guard.yaml: the engines a scale-out deployment runs on
// (docs/deployment.md). The embedded mode (`serve --role all`) ignores it.

import { z } from 'zod';
import { busConfigSchema } from '../bus/config.ts';
import { postgresStateConfigSchema } from '../state/postgres/finding-store.ts';
import { clickHouseStoreConfigSchema } from '../store/clickhouse/store.ts';

export const scaleOutSchema = z
  .object({
    /** NATS JetStream: the record stream between ingest and detect nodes, and the shard leases. */
    bus: busConfigSchema.prefault({}),
    /** ClickHouse for flows, gaps and events (ingest nodes write, every node may query). */
    clickhouse: clickHouseStoreConfigSchema.omit({ readOnly: true }).prefault({}),
    /** PostgreSQL for findings and suppression rules (detect nodes write). */
    postgres: postgresStateConfigSchema.prefault({}),
  })
  .strict();
export type ScaleOutConfig = z.infer<typeof scaleOutSchema>;

export const ROLES = ['all', 'ingest', 'detect', 'api'] as const;
export type Role = (typeof ROLES)[number];
