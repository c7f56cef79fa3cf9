/**
 * Vidu's error answer: {"code":<status>,"reason":"…","message":"…","metadata":{"trace_id":"<32 hex>"}},
 * with the HTTP status the catalogue gives the reason.
 */
import type { FastifyReply } from 'fastify';
import { isKnownViduReason, VIDU_ERROR_CATALOGUE } from '../vidu/errors';
import { newTraceId } from './ids';

export class ViduHttpError extends Error {
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly reason: string,
    message: string,
    opts: { status?: number; retryAfterSeconds?: number | undefined } = {},
  ) {
    super(message);
    this.name = 'ViduHttpError';
    this.status = opts.status ?? (isKnownViduReason(reason) ? VIDU_ERROR_CATALOGUE[reason].status : 500);
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

export function errorBody(status: number, reason: string, message: string) {
  return { code: status, reason, message, metadata: { trace_id: newTraceId() } };
}

export function sendViduError(reply: FastifyReply, err: ViduHttpError): FastifyReply {
  if (err.retryAfterSeconds !== undefined) reply.header('Retry-After', String(Math.ceil(err.retryAfterSeconds)));
  return reply.code(err.status).send(errorBody(err.status, err.reason, err.message));
}

export const taskNotFound = (id: string): ViduHttpError => new ViduHttpError('TaskNotFound', `task ${id} not found`);
