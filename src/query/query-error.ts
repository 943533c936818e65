// A mistake in a pipe query. It is a UserError (the CLI prints message and hint) that also knows
// the 1-based column where the problem starts, so the console can point at it.

import { UserError } from '../core/errors.ts';

export class QueryError extends UserError {
  /** 1-based column in the query text (the text is treated as one line; newlines count as 1). */
  readonly column: number;
  constructor(message: string, offset: number, hint?: string) {
    super(`query column ${offset + 1}: ${message}`, hint === undefined ? {} : { hint });
    this.name = 'QueryError';
    this.column = offset + 1;
  }
}
