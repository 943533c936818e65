// The `sakura-guard` command line. Each command lives in its own file under commands/ and is
// listed once in commands/index.ts.

import { Command, CommanderError } from 'commander';
import { EXIT_INTERNAL, EXIT_USAGE, UserError, errorMessage } from '../core/errors.ts';
import { commands } from './commands/index.ts';
import { type CliContext, type CliIo, resolveDataDir, writeLine } from './context.ts';

export const VERSION = '0.1.0';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('sakura-guard')
    .description('Network threat detection for Sakura Cloud, AWS VPCs and Linux hosts')
    .version(VERSION)
    .option('--data-dir <dir>', 'data directory (default: $SAKURA_GUARD_DATA_DIR or ./data)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    });
  for (const register of commands) register(program, ctx);
  return program;
}

/** Runs the CLI and returns the process exit code. Never throws. */
export async function run(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Promise<number> {
  const ctx: CliContext = {
    ...io,
    env,
    exitCode: 0,
    // `program` is assigned below, before any command can call this.
    dataDir: () => resolveDataDir(program.opts<{ dataDir?: string }>().dataDir, env, cwd),
  };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
    return ctx.exitCode;
  } catch (e: unknown) {
    if (e instanceof CommanderError) {
      // Help and version are "errors" to commander; their text is already printed.
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        return 0;
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (e instanceof UserError) {
      writeLine(io.stderr, `sakura-guard: ${e.message}`);
      if (e.hint) writeLine(io.stderr, `hint: ${e.hint}`);
      return e.exitCode;
    }
    writeLine(io.stderr, `sakura-guard: internal error: ${errorMessage(e)}`);
    if (env.SAKURA_GUARD_DEBUG && e instanceof Error && e.stack) writeLine(io.stderr, e.stack);
    writeLine(io.stderr, 'hint: this is a bug; set SAKURA_GUARD_DEBUG=1 for the stack trace and report it.');
    return EXIT_INTERNAL;
  }
}
