import { Client, WorkflowNotFoundError } from '@temporalio/client';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { derivedWorkflowIdProblem } from '../contract/workflow-id';
import { verifyCallbackRequest } from '../vidu/signature';
import { taskUpdateSignal } from '../core/workflow-messages';
import type { CallbackObserver } from './metrics';
import { toTaskUpdate } from './callback-body';
import { CallbackForwarding, NON_TERMINAL_STATES, type NonTerminalState } from './forwarding';
import { NonceCache } from './nonce-cache';
import { DEFAULT_MAX_SIGNALS_IN_FLIGHT, DEFAULT_MAX_WAITING, SignalGate } from './signal-gate';

/** Vidu's callback body is one task's Get Generation answer: a few KiB. Anything larger is not Vidu's. */
export const CALLBACK_BODY_LIMIT_BYTES = 64 * 1024;

/** Why a callback was refused; logged and returned, never with the key or the signature. */
export interface CallbackRejection {
  status: number;
  reason: string;
  workflowId?: string;
  nonce?: string;
  remote?: string;
  detail?: string;
}

export interface CallbackServerOptions {
  apiKey: string;
  client: Client;
  maxSkewMs: number;
  logger?: boolean;
  /** Where rejections are reported (default: one JSON line on stderr). */
  onReject?: (rejection: CallbackRejection) => void;
  /** The nonce cache's bound (default 100,000 entries). */
  maxNonces?: number;
  now?: () => Date;
  /** Metrics (receiver/metrics.ts): each callback's outcome and the time to signal. */
  metrics?: CallbackObserver;
  /**
   * Non-terminal states forwarded to the workflow (CALLBACK_FORWARD_STATES, receiver/forwarding.ts);
   * default all of them, each once per task. Terminal and unknown states are always forwarded.
   */
  forwardStates?: ReadonlySet<NonTerminalState>;
  /** GET /readyz: whether Temporal can be reached (default: always ready). */
  ready?: () => Promise<boolean>;
  /** Signals to Temporal at once (CALLBACK_MAX_SIGNALS_IN_FLIGHT, receiver/signal-gate.ts). */
  maxSignalsInFlight?: number;
  /** Callbacks that may wait for one of those; beyond, 503 with Retry-After (CALLBACK_MAX_WAITING). */
  maxWaiting?: number;
}

/** Seconds a callback refused because the receiver is busy is told to wait before retrying. */
export const BUSY_RETRY_AFTER_SECONDS = 5;

/**
 * POST /vidu/callback?workflowId=… : verify Vidu's signature (Date window, signed nonce), refuse a
 * nonce this process has seen, then signal the workflow named in the (signed) query string with a
 * small update (task id, state, progress, nonce). The body is not signed, so nothing else of it is
 * forwarded: the workflow confirms a terminal state with Get Generation. Answers 5xx when the
 * signal cannot be delivered so Vidu retries.
 */
export function createCallbackServer(opts: CallbackServerOptions): FastifyInstance {
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: CALLBACK_BODY_LIMIT_BYTES });
  const now = opts.now ?? (() => new Date());
  // A header set is accepted while its Date is within ±maxSkew of now, i.e. for up to 2 × maxSkew.
  const nonces = new NonceCache(2 * opts.maxSkewMs, opts.maxNonces);
  const report =
    opts.onReject ?? ((r: CallbackRejection) => console.warn(JSON.stringify({ msg: 'rejected callback', ...r })));

  const metrics = opts.metrics;
  const gate = new SignalGate(
    opts.maxSignalsInFlight ?? DEFAULT_MAX_SIGNALS_IN_FLIGHT,
    opts.maxWaiting ?? DEFAULT_MAX_WAITING,
  );
  const forwarding = new CallbackForwarding(
    opts.forwardStates ?? new Set<NonTerminalState>(NON_TERMINAL_STATES),
    opts.maxNonces,
  );
  const reject = (req: FastifyRequest, r: Omit<CallbackRejection, 'remote' | 'workflowId'>): void => {
    metrics?.outcome(r.reason === 'replayed-nonce' ? 'replayed' : 'rejected', r.reason);
    const workflowId = workflowIdOf(req);
    report({ ...r, remote: req.ip, ...(workflowId !== undefined ? { workflowId } : {}) });
  };

  // Fastify's own refusals (body over the limit, malformed JSON, wrong content type) are
  // rejections too, and are logged the same way.
  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const reason = status === 413 ? 'body-too-large' : status === 500 ? 'internal-error' : (err.code ?? 'bad-request');
    reject(req, { status, reason, detail: err.message.slice(0, 200) });
    return reply.code(status).send({ error: status === 500 ? 'internal error' : 'rejected', reason });
  });

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_req, reply) => {
    const ready = opts.ready ? await opts.ready().catch(() => false) : true;
    return reply.code(ready ? 200 : 503).send({ ready });
  });

  app.post('/vidu/callback', async (req, reply) => {
    const verdict = verifyCallbackRequest({
      secret: opts.apiKey,
      method: req.method,
      pathWithQuery: req.raw.url ?? req.url,
      headers: req.headers,
      now: now(),
      maxSkewMs: opts.maxSkewMs,
    });
    if (!verdict.ok) {
      reject(req, { status: 401, reason: verdict.reason });
      return reply.code(401).send({ error: 'unauthorized', reason: verdict.reason });
    }
    const { nonce } = verdict;
    const workflowId = (req.query as Record<string, unknown>).workflowId;
    // The derived rule (contract/workflow-id.ts): children's ids carry `~` and may reach 255.
    if (typeof workflowId !== 'string' || derivedWorkflowIdProblem(workflowId) !== undefined) {
      reject(req, { status: 400, reason: 'no-workflow-id', nonce });
      return reply.code(400).send({ error: 'the callback URL carries no valid workflowId', reason: 'no-workflow-id' });
    }
    // Busy: refused before its nonce is spent, so Vidu's retry of this very request is accepted.
    if (gate.full) {
      metrics?.outcome('undeliverable', 'receiver-busy');
      return reply
        .code(503)
        .header('retry-after', String(BUSY_RETRY_AFTER_SECONDS))
        .send({ error: 'the receiver is busy; please retry', reason: 'receiver-busy' });
    }
    // Any signed request spends its nonce, whatever its body: a replay with another body is refused too.
    if (!nonces.add(nonce, now().getTime())) {
      reject(req, { status: 409, reason: 'replayed-nonce', nonce });
      return reply.code(409).send({ error: 'this callback was already received', reason: 'replayed-nonce' });
    }
    const wakeUp = toTaskUpdate(req.body, nonce);
    if (!wakeUp.ok) {
      reject(req, { status: 400, reason: 'bad-body', nonce, detail: wakeUp.issues.join('; ').slice(0, 300) });
      return reply.code(400).send({ error: 'not a Vidu task body', reason: 'bad-body', issues: wakeUp.issues });
    }
    const decision = forwarding.decide(workflowId, wakeUp.update);
    if (!decision.forward) {
      // Verified and spent, but not worth a history event: see receiver/forwarding.ts.
      metrics?.outcome('not-forwarded', decision.reason);
      return reply.code(200).send({ delivered: false, reason: decision.reason });
    }
    try {
      await gate.run(() => opts.client.workflow.getHandle(workflowId).signal(taskUpdateSignal, wakeUp.update));
      metrics?.signalled(reply.elapsedTime / 1000);
    } catch (err) {
      forwarding.undo(workflowId, wakeUp.update);
      if (err instanceof WorkflowNotFoundError) {
        metrics?.outcome('not-running', 'workflow-not-running');
        // A late callback for a finished generation changes nothing; retrying it would not either.
        return reply.code(202).send({ delivered: false, reason: 'workflow not running' });
      }
      req.log.error({ err: (err as Error).message, workflowId }, 'could not signal workflow');
      console.error(JSON.stringify({ msg: 'could not signal workflow', workflowId, error: (err as Error).message }));
      metrics?.outcome('undeliverable', 'signal-failed');
      // Nothing was delivered: Vidu may retry with the same signed headers (docs/vidu-api.md §10
      // does not say it signs each attempt afresh), and that retry must not be taken for a replay.
      nonces.forget(nonce);
      return reply.code(503).send({ error: 'could not deliver the update; please retry' });
    }
    metrics?.outcome('accepted', 'delivered');
    return reply.code(200).send({ delivered: true });
  });

  return app;
}

function workflowIdOf(req: FastifyRequest): string | undefined {
  const id = (req.query as Record<string, unknown> | undefined)?.workflowId;
  return typeof id === 'string' ? id.slice(0, 200) : undefined;
}
