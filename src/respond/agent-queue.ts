// Commands for host agents (`sakura-guard agent` with `respond.enabled`): the agent-nftables
// responder queues "block this address until T" or "unblock it" for each agent it names; each
// agent fetches its own pending commands over the API (GET /api/v1/agent/commands), applies them
// to its host's nftables set, and acknowledges each. A command past its expiry is not applied
// (the block would already have lifted). Kept in the data directory's DuckDB file (table
// agent_commands), so a restart or an agent that was away loses nothing. Values are always bound.

import { randomBytes } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';

export const AGENT_COMMAND_STATES = ['pending', 'done', 'failed', 'expired'] as const;
export type AgentCommandState = (typeof AGENT_COMMAND_STATES)[number];

export interface AgentCommand {
  id: string;
  agent: string;
  action: 'block' | 'unblock';
  ip: string;
  /** The response action this command carries out. */
  actionId: string;
  /** Unix ms: the block lifts then (a block's nftables timeout is what is left of it). */
  expiresAt: number;
  createdAt: number;
  state: AgentCommandState;
  /** What the agent reported (nft's error, or "expired before delivery"). */
  detail: string | null;
  ackedAt: number | null;
}

export interface AgentCommandQueue {
  enqueue(
    c: Pick<AgentCommand, 'agent' | 'action' | 'ip' | 'actionId' | 'expiresAt'>,
    now: number,
  ): Promise<AgentCommand>;
  /** The agent's pending commands, oldest first. */
  pending(agent: string, limit?: number): Promise<AgentCommand[]>;
  /** Records the agent's outcome; null when the command is not that agent's or not pending. */
  ack(
    agent: string,
    id: string,
    state: Exclude<AgentCommandState, 'pending'>,
    detail: string | null,
    now: number,
  ): Promise<AgentCommand | null>;
  /** Commands of one response action, oldest first. */
  ofAction(actionId: string): Promise<AgentCommand[]>;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS agent_commands (
  id VARCHAR PRIMARY KEY, agent VARCHAR NOT NULL, action VARCHAR NOT NULL, ip VARCHAR NOT NULL,
  action_id VARCHAR NOT NULL, expires_at BIGINT NOT NULL, created_at BIGINT NOT NULL,
  state VARCHAR NOT NULL, detail VARCHAR, acked_at BIGINT)`;
const COLUMNS = 'id, agent, action, ip, action_id, expires_at, created_at, state, detail, acked_at';

function fromRow(r: unknown[]): AgentCommand {
  return {
    id: String(r[0]),
    agent: String(r[1]),
    action: r[2] === 'unblock' ? 'unblock' : 'block',
    ip: String(r[3]),
    actionId: String(r[4]),
    expiresAt: Number(r[5]),
    createdAt: Number(r[6]),
    state: AGENT_COMMAND_STATES.find((s) => s === r[7]) ?? 'pending',
    detail: r[8] === null ? null : String(r[8]),
    ackedAt: r[9] === null ? null : Number(r[9]),
  };
}

export async function createAgentCommandQueue(conn: DuckDBConnection): Promise<AgentCommandQueue> {
  await conn.run(SCHEMA);
  const rows = async (sql: string, values: (string | number | null)[]): Promise<AgentCommand[]> =>
    ((await conn.runAndReadAll(sql, values)).getRows() as unknown[][]).map(fromRow);
  return {
    async enqueue(c, now) {
      const cmd: AgentCommand = {
        ...c,
        id: `cmd-${randomBytes(8).toString('hex')}`,
        createdAt: now,
        state: 'pending',
        detail: null,
        ackedAt: null,
      };
      await conn.run(
        `INSERT INTO agent_commands (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          cmd.id,
          cmd.agent,
          cmd.action,
          cmd.ip,
          cmd.actionId,
          cmd.expiresAt,
          cmd.createdAt,
          cmd.state,
          null,
          null,
        ],
      );
      return cmd;
    },
    pending: (agent, limit = 100) =>
      rows(
        `SELECT ${COLUMNS} FROM agent_commands WHERE agent = $1 AND state = 'pending' ORDER BY created_at, id LIMIT $2`,
        [agent, limit],
      ),
    async ack(agent, id, state, detail, now) {
      const found = await rows(
        `UPDATE agent_commands SET state = $1, detail = $2, acked_at = $3
         WHERE id = $4 AND agent = $5 AND state = 'pending' RETURNING ${COLUMNS}`,
        [state, detail, now, id, agent],
      );
      return found[0] ?? null;
    },
    ofAction: (actionId) =>
      rows(`SELECT ${COLUMNS} FROM agent_commands WHERE action_id = $1 ORDER BY created_at, id`, [actionId]),
  };
}
