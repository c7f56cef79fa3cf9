import { createHash, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
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
export function namespacedIdempotencyKey(
  req: FastifyRequest,
  callerId: string,
  body: Record<string, unknown>,
): string | undefined {
  const header = idempotencyKeyHeader(req);
  const options = body.options;
  const inBody =
    typeof options === 'object' && options !== null
      ? (options as { idempotencyKey?: unknown }).idempotencyKey
      : undefined;
  // The contract's rule for the field (contract/generation-input.ts): any text of 1–200
  // characters; one that would make an awkward id is hashed by workflowIdFor.
  if (inBody !== undefined && (typeof inBody !== 'string' || inBody.length === 0 || inBody.length > 200)) {
    throw invalidInput([{ field: 'options.idempotencyKey', message: 'must be a string of 1–200 characters' }]);
  }
  if (header !== undefined && inBody !== undefined && header !== inBody) {
    throw invalidInput([
      {
        field: 'options.idempotencyKey',
        message: 'differs from the Idempotency-Key header; give one of them, or the same value in both',
      },
    ]);
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

/** Memo key recording which request created the workflow, so a repeat can tell it was not the first. */
export const START_MEMO = 'viduApiStart';

export interface StartMemo {
  requestId: string;
  bodySha256: string;
}

/** The memo a start carries: this request's id and the digest of its body. */
export function startMemoFor(body: unknown): StartMemo {
  return { requestId: randomUUID(), bodySha256: createHash('sha256').update(JSON.stringify(body)).digest('hex') };
}

/**
 * After a start with an idempotency key: true when this request created the workflow, false when
 * an earlier one with the same body did (the answer is then 200 with the same body); a 422 when
 * the key was used before with another body. Without a key every start creates.
 */
export async function createdByThisStart(
  client: Client,
  workflowId: string,
  memo: StartMemo,
  keyed: boolean,
  what: string,
): Promise<boolean> {
  if (!keyed) return true;
  const existing = (await client.workflow.getHandle(workflowId).describe()).memo?.[START_MEMO] as StartMemo | undefined;
  const created = existing?.requestId === memo.requestId;
  if (!created && existing && existing.bodySha256 !== memo.bodySha256) {
    throw problem(422, 'idempotency-key-reused', 'this Idempotency-Key was already used with a different body', {
      errors: [
        { field: 'Idempotency-Key', message: `already used with a different body; use a new key for a new ${what}` },
      ],
      id: workflowId,
    });
  }
  return created;
}
