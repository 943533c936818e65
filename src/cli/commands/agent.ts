// `sakura-guard agent --config FILE`: follows this host's logs and ships them to a server's HTTP
// ingest with retries and a bounded on-disk buffer (src/agent/agent.ts, docs/agent.md). Runs
// until SIGINT/SIGTERM; a systemd unit example is in docs/agent.md.

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import YAML from 'yaml';
import { agentConfigSchema, runAgent, type AgentConfig } from '../../agent/agent.ts';
import { UserError, errorMessage } from '../../core/errors.ts';
import { type CliContext, writeLine } from '../context.ts';

export function loadAgentConfig(file: string): { config: AgentConfig; token: string } {
  let doc: unknown;
  try {
    doc = YAML.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`cannot read the agent configuration ${file}: ${errorMessage(e)}`, {
      hint: 'pass a readable YAML file with --config (docs/agent.md has an example)',
    });
  }
  const r = agentConfigSchema.safeParse(doc ?? {});
  if (!r.success) {
    throw new UserError(
      `invalid agent configuration ${file}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      { hint: 'see docs/agent.md for every key and its default' },
    );
  }
  const config = r.data;
  let token = process.env.SAKURA_GUARD_AGENT_TOKEN ?? config.token;
  if (token === undefined && config.tokenFile !== undefined) {
    try {
      token = readFileSync(config.tokenFile, 'utf8').trim();
    } catch (e) {
      throw new UserError(`cannot read the token file ${config.tokenFile}: ${errorMessage(e)}`, {
        hint: 'check tokenFile in the agent configuration',
      });
    }
  }
  if (token === undefined || token === '') {
    throw new UserError('the agent has no API token', {
      hint: 'set SAKURA_GUARD_AGENT_TOKEN, or token / tokenFile in the configuration (a token with the ingest permission)',
    });
  }
  return { config, token };
}

export function registerAgent(program: Command, ctx: CliContext): void {
  program
    .command('agent')
    .description("follow this host's logs and ship them to a sakura-guard server (HTTP ingest)")
    .requiredOption('--config <file>', 'agent YAML configuration (docs/agent.md)')
    .action(async (opts: { config: string }) => {
      const { config, token } = loadAgentConfig(opts.config);
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      writeLine(
        ctx.stderr,
        `agent: shipping ${config.logs.map((l) => l.path).join(', ')} to ${config.server} (spool in ${config.stateDir})`,
      );
      try {
        const counters = await runAgent(config, token, stop.signal);
        writeLine(ctx.stdout, JSON.stringify(counters));
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
