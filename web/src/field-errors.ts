// Which form field each problem of a rejected request is about. The server answers a body that
// fails its schema with `invalid request: body.actors.1: not an IP address or CIDR; body.name: ...`
// (src/server/app.ts parseInput), so a form can show each message next to its field.

import { ApiFailure } from './api.ts';

/** The messages by top-level body key; problems that name no field are left out. */
export type FieldErrors = Readonly<Record<string, readonly string[]>>;

const PREFIX = 'invalid request: ';

export function fieldErrors(error: unknown): FieldErrors {
  if (!(error instanceof ApiFailure) || error.status !== 400 || !error.message.startsWith(PREFIX)) return {};
  const out: Record<string, string[]> = {};
  for (const problem of error.message.slice(PREFIX.length).split('; ')) {
    const m = /^body\.([A-Za-z0-9_]+)((?:\.[^:\s]+)*): (.+)$/.exec(problem);
    const field = m?.[1];
    const message = m?.[3];
    if (field === undefined || message === undefined) continue;
    const index = m?.[2] ?? '';
    (out[field] ??= []).push(index === '' ? message : `${index.slice(1)}: ${message}`);
  }
  return out;
}
