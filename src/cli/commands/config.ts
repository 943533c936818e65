// `sakura-guard config check [FILE]`: validates a configuration file (and the environment
// overrides) and prints the effective configuration, or every problem with its path.

import { stringify } from 'yaml';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../../config/load.ts';
import { writeLine } from '../context.ts';
import type { RegisterCommand } from './index.ts';

export const registerConfig: RegisterCommand = (program, ctx) => {
  const cmd = program.command('config').description('work with the server configuration (sakura-guard.yaml)');
  cmd
    .command('check')
    .description('validate a configuration file with the SAKURA_GUARD__* environment overrides applied')
    .argument('[file]', 'configuration file', DEFAULT_CONFIG_FILE)
    .option('--print', 'print the effective configuration (defaults filled in) as YAML')
    .action((file: string, opts: { print?: boolean }) => {
      const config = loadConfig(file, ctx.env);
      writeLine(ctx.stdout, `${file}: valid`);
      if (opts.print) ctx.stdout.write(stringify(config));
    });
};
