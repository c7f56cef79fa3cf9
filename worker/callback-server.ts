import { Client, WorkflowNotFoundError } from '@temporalio/client';
import Fastify, { type FastifyInstance } from 'fastify';
import { CallbackBody } from '../vidu/schemas';
import { verifyCallbackRequest } from '../vidu/signature';
import { taskUpdateSignal } from '../workflows/messages';

export interface CallbackServerOptions {
  apiKey: string;
  client: Client;
  maxSkewMs: number;
  logger?: boolean;
}

/**
 * POST /vidu/callback?workflowId=… : verify Vidu's signature, then signal the workflow named in
 * the (signed) query string. Answers 5xx when the signal cannot be delivered so Vidu retries.
 */
export function createCallbackServer(opts: CallbackServerOptions): FastifyInstance {
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: 1024 * 1024 * 2 });

  app.get('/healthz', async () => ({ ok: true }));

  app.post('/vidu/callback', async (req, reply) => {
    const verdict = verifyCallbackRequest({
      secret: opts.apiKey,
      method: req.method,
      pathWithQuery: req.raw.url ?? req.url,
      headers: req.headers,
      now: new Date(),
      maxSkewMs: opts.maxSkewMs,
    });
    if (!verdict.ok) {
      req.log.warn({ reason: verdict.reason }, 'rejected callback');
      return reply.code(401).send({ error: 'unauthorized', reason: verdict.reason });
    }
    const workflowId = (req.query as Record<string, unknown>).workflowId;
    if (typeof workflowId !== 'string' || workflowId === '') {
      return reply.code(400).send({ error: 'the callback URL carries no workflowId' });
    }
    const body = CallbackBody.safeParse(req.body);
    if (!body.success) {
      return reply.code(400).send({ error: 'not a Vidu task body', issues: body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    }
    try {
      await opts.client.workflow.getHandle(workflowId).signal(taskUpdateSignal, req.body);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        // A late callback for a finished generation changes nothing; retrying it would not either.
        return reply.code(202).send({ delivered: false, reason: 'workflow not running' });
      }
      req.log.error({ err: (err as Error).message, workflowId }, 'could not signal workflow');
      return reply.code(503).send({ error: 'could not deliver the update; please retry' });
    }
    return reply.code(200).send({ delivered: true });
  });

  return app;
}
