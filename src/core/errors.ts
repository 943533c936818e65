// Errors a user can cause carry a message that says what was wrong and a hint that says what to
// do; the CLI prints both and exits with the error's code. Anything else is a bug (exit 70).

export const EXIT_OK = 0;
/** `findings` / `audit` found something at or above the requested threshold. */
export const EXIT_FINDINGS = 1;
/** Bad command line or configuration. */
export const EXIT_USAGE = 2;
/** Input could not be read at all (missing file, unknown format). Partial rejects are not errors. */
export const EXIT_INPUT = 3;
/** The data directory or store could not be opened or written (lock held, disk full...). */
export const EXIT_STORE = 4;
/** An internal error: a bug. */
export const EXIT_INTERNAL = 70;

export class UserError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;
  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? EXIT_USAGE;
  }
}

/** Where a problem in an input was found. */
export interface SourcePosition {
  file: string;
  line: number;
  column?: number;
  field?: string;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
