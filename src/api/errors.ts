// The one error mapper: UserError -> 4xx with message and hint; Fastify's own client errors
// (body too large, bad JSON) keep their status with a plain message; anything else -> 500 with
// a request id and nothing of the internals (the log has the details).

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { UserError } from '../core/errors.ts';

export class ApiError extends UserError {
  readonly status: number;
  constructor(status: number, message: string, hint?: string) {
    super(message, hint === undefined ? {} : { hint });
    this.name = 'ApiError';
    this.status = status;
  }
}

export const unauthorized = (): ApiError =>
  new ApiError(
    401,
    'authentication required',
    'send `Authorization: Bearer TOKEN` or sign in at POST /api/v1/auth/login',
  );
export const forbidden = (what: string): ApiError =>
  new ApiError(403, `your role may not ${what}`, 'ask an admin for a role that allows it');
export const notFound = (what: string): ApiError => new ApiError(404, `no ${what}`);

export interface ErrorBody {
  error: string;
  hint?: string;
  requestId?: string;
}

export function mapError(
  e: unknown,
  requestId: string,
): { status: number; body: ErrorBody; internal: boolean } {
  if (e instanceof ApiError) return { status: e.status, body: withHint(e.message, e.hint), internal: false };
  if (e instanceof UserError) return { status: 400, body: withHint(e.message, e.hint), internal: false };
  const fe = e as Partial<FastifyError>;
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    return { status, body: { error: clientMessage(status, fe.code) }, internal: false };
  }
  return { status: 500, body: { error: 'internal error', requestId }, internal: true };
}

function withHint(error: string, hint: string | undefined): ErrorBody {
  return hint === undefined ? { error } : { error, hint };
}

function clientMessage(status: number, code: string | undefined): string {
  if (status === 413) return 'the request body is too large';
  if (status === 415) return 'unsupported content type; send application/json';
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
    return 'the request body is not valid JSON';
  if (status === 404) return 'no such route';
  return 'bad request';
}

export function sendError(e: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const mapped = mapError(e, request.id);
  if (mapped.internal) request.log.error({ err: e }, 'request failed');
  return reply.status(mapped.status).send(mapped.body);
}
