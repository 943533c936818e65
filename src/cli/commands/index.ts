// The literal registry of CLI commands: one file per command, one line here.

import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { registerAgent } from './agent.ts';
import { registerAlert } from './alert.ts';
import { registerAllow } from './allow.ts';
import { registerAudit } from './audit.ts';
import { registerConfig } from './config.ts';
import { registerServe } from './serve.ts';
import { registerUsers } from './users.ts';
import { registerReport } from './report.ts';
import { registerExport } from './export.ts';
import { registerFindings } from './findings.ts';
import { registerIngest } from './ingest.ts';
import { registerIntel } from './intel.ts';
import { registerQuery } from './query.ts';
import { registerDemo } from './demo.ts';
import { registerStats } from './stats.ts';
import { registerSuppress } from './suppress.ts';
import { registerSakura } from './sakura.ts';
import { registerRespond } from './respond.ts';
import { registerRules } from './rules.ts';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const commands: RegisterCommand[] = [
  registerIngest,
  registerAgent,
  registerQuery,
  registerFindings,
  registerSuppress,
  registerAllow,
  registerIntel,
  registerStats,
  registerExport,
  registerAudit,
  registerDemo,
  registerConfig,
  registerServe,
  registerAlert,
  registerUsers,
  registerReport,
  registerSakura,
  registerRespond,
  registerRules,
];
