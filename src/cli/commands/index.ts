// The literal registry of CLI commands: one file per command, one line here.

import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { registerAudit } from './audit.ts';
import { registerFindings } from './findings.ts';
import { registerIntel } from './intel.ts';
import { registerSuppress } from './suppress.ts';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const commands: RegisterCommand[] = [registerAudit, registerIntel, registerFindings, registerSuppress];
