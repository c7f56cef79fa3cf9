/**
 * The create flow every task-creating endpoint shares: idempotency by
 * client_request_id, validation (the endpoint's own `prepare`), the credit
 * check and charge, then handing the task to the state machine.
 */
import type { FastifyRequest } from 'fastify';
import type { SimContext } from './context';
import type { EndpointKey } from './faults';
import { CLIENT_REQUEST_ID_ENDPOINTS } from './config';
import { ViduHttpError } from './http-errors';
import { buildTask, type TaskInit } from './task-factory';
import type { SimTask } from './task';
import { unwantedFieldError } from './validation';

export interface Prepared {
  price: number;
  init: TaskInit;
  /** The create response, built once the task exists; replayed verbatim for a repeated client_request_id. */
  respond: (task: SimTask) => Record<string, unknown>;
  /** Runs after the task is stored (AD-film edit/compose link it into the main task). */
  stored?: (task: SimTask) => void;
}

const keyLocks = new WeakMap<SimContext, Map<string, Promise<unknown>>>();

/**
 * Requests with the same key run one at a time, so a retry racing the
 * original (after a dropped response, say) finds its task instead of
 * creating a second one.
 */
async function withKeyLock<T>(ctx: SimContext, key: string, fn: () => Promise<T>): Promise<T> {
  let locks = keyLocks.get(ctx);
  if (!locks) keyLocks.set(ctx, (locks = new Map()));
  const prev = locks.get(key) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const settled = run.catch(() => undefined);
  locks.set(key, settled);
  void settled.then(() => {
    if (locks.get(key) === settled) locks.delete(key);
  });
  return run;
}

const KEYED_ENDPOINTS: ReadonlySet<EndpointKey> = new Set(CLIENT_REQUEST_ID_ENDPOINTS);

/** The idempotency key of a create request, if its endpoint takes one and it is set. */
export function clientRequestIdOf(req: FastifyRequest): string | undefined {
  const endpoint = req.routeOptions.config.endpoint;
  const body = req.body;
  if (!endpoint || !KEYED_ENDPOINTS.has(endpoint) || body === null || typeof body !== 'object') return undefined;
  const v = (body as Record<string, unknown>).client_request_id;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export async function submitTask(
  ctx: SimContext,
  req: FastifyRequest,
  prepare: () => Promise<Prepared>,
): Promise<Record<string, unknown>> {
  refuseUnwantedClientRequestId(ctx, req);
  const key = clientRequestIdOf(req);
  const create = async (): Promise<Record<string, unknown>> => {
    // [INF] Same key, same task: the original create response comes back
    // whatever the new body says, and nothing is charged again. Checked
    // before validation so a retry can never fail where the original passed.
    const existing = key !== undefined ? ctx.store.byClientRequestId(key) : undefined;
    if (existing) {
      req.simTaskId = existing.id;
      return existing.createResponse;
    }
    const p = await prepare();
    if (!ctx.ledger.canAfford(p.price)) {
      throw new ViduHttpError(
        'CreditInsufficient',
        `this task costs ${p.price} credits; the balance is ${ctx.ledger.balance}`,
      );
    }
    const task = buildTask(ctx, p.init);
    ctx.ledger.charge(task, p.price);
    task.createResponse = p.respond(task);
    ctx.store.add(task);
    p.stored?.(task);
    ctx.engine.add(task);
    req.simTaskId = task.id;
    return task.createResponse;
  };
  return key === undefined ? create() : withKeyLock(ctx, key, create);
}

/**
 * VIDU_SIM_REFUSE_CLIENT_REQUEST_ID: the endpoint answers a request carrying the field (any value)
 * as it answers any unknown field, before anything else is looked at; nothing is created.
 */
function refuseUnwantedClientRequestId(ctx: SimContext, req: FastifyRequest): void {
  const endpoint = req.routeOptions.config.endpoint;
  const body = req.body;
  if (!endpoint || !(ctx.config.refuseClientRequestId as readonly string[]).includes(endpoint)) return;
  if (body !== null && typeof body === 'object' && Object.prototype.hasOwnProperty.call(body, 'client_request_id')) {
    throw unwantedFieldError('client_request_id', endpoint);
  }
}
