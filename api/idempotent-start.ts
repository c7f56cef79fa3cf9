import type { FastifyRequest } from 'fastify';
import { invalidInput, problem } from './problem';

// Every workflow id the HTTP API derives from a caller's text is `<kind>-key-<keyId>:<key>`
// (decision 3 of issue 16): the `Idempotency-Key` header and `options.idempotencyKey` in a start
// body alike, for generations, AD films and batches. The client library then makes the id
// (client/workflow-ids.ts workflowIdFor: `<kind>-key-` + this, hashed when not plain), so two
// keys using the same idempotency key never meet, and no caller can aim at another's ids — the
// body field used to go to the client as it was, so key "mallory" could start
// `img2video-key-alice:order-1` before alice did.

/** The caller's idempotency key, header or body, namespaced by the caller's key id; undefined when neither is given. */
export function namespacedIdempotencyKey(req: FastifyRequest, callerId: string, body: Record<string, unknown>): string | undefined {
  const header = idempotencyKeyHeader(req);
  const options = body.options;
  const inBody = typeof options === 'object' && options !== null ? (options as { idempotencyKey?: unknown }).idempotencyKey : undefined;
  // The contract's rule for the field (contract/generation-input.ts): any text of 1–200
  // characters; one that would make an awkward id is hashed by workflowIdFor.
  if (inBody !== undefined && (typeof inBody !== 'string' || inBody.length === 0 || inBody.length > 200)) {
    throw invalidInput([{ field: 'options.idempotencyKey', message: 'must be a string of 1–200 characters' }]);
  }
  if (header !== undefined && inBody !== undefined && header !== inBody) {
    throw invalidInput([{ field: 'options.idempotencyKey', message: 'differs from the Idempotency-Key header; give one of them, or the same value in both' }]);
  }
  const key = header ?? (inBody as string | undefined);
  return key === undefined ? undefined : `${callerId}:${key}`;
}

/** The `Idempotency-Key` header, checked; undefined when absent. */
export function idempotencyKeyHeader(req: FastifyRequest): string | undefined {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || !/^[\x21-\x7e]{1,200}$/.test(value)) {
    throw problem(400, 'bad-request', 'invalid Idempotency-Key header', {
      errors: [{ field: 'Idempotency-Key', message: 'must be 1–200 visible ASCII characters' }],
    });
  }
  return value;
}
