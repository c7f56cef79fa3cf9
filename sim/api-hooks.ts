/**
 * What wraps every /ent/v2 request: auth, counters, the request log, the
 * state machine catching up, and the per-endpoint faults (latency, error
 * answers, dropped responses).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isKnownViduReason, VIDU_ERROR_CATALOGUE } from '../vidu/errors';
import { rfc3339Nano } from './clock';
import type { SimContext } from './context';
import type { EndpointKey } from './faults';
import { ViduHttpError } from './http-errors';
import type { RequestLogEntry } from './store';
import { clientRequestIdOf } from './submit';
import { truncateDataUris } from './truncate';

const endpointOf = (req: FastifyRequest): EndpointKey | undefined => req.routeOptions.config.endpoint;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function registerApiHooks(app: FastifyInstance, ctx: SimContext): void {
  const { config, store, faults, engine, clock } = ctx;

  app.decorateRequest('simTaskId', '');
  app.decorateRequest('simDropResponse', false);
  app.decorateRequest('simAt', '');

  app.addHook('onRequest', async (req) => {
    const endpoint = endpointOf(req);
    if (!endpoint) return;
    req.simAt = rfc3339Nano(clock.now());
    store.countRequest(endpoint);
    // Only "Token <key>" (docs/vidu-api.md §0); the scheme word is matched case-insensitively
    // as HTTP auth schemes are, the key exactly. Bearer is refused ([INF]).
    const auth = req.headers.authorization ?? '';
    const given = /^token\s+(.+)$/i.exec(auth.trim())?.[1]?.trim();
    if (given !== config.apiKey) {
      throw new ViduHttpError(
        'Unauthorized',
        auth
          ? 'invalid API key; send Authorization: Token <api key>'
          : 'missing Authorization header; send Authorization: Token <api key>',
      );
    }
  });

  app.addHook('preHandler', async (req) => {
    const endpoint = endpointOf(req);
    if (!endpoint) return;
    const key = clientRequestIdOf(req);
    if (key !== undefined) store.countSubmission(key);
    engine.tick();
    const latency = faults.latencyMs(endpoint);
    if (latency > 0) await sleep(latency);
    const hit = faults.errorAnswer(endpoint);
    if (hit) {
      const message = isKnownViduReason(hit.reason)
        ? VIDU_ERROR_CATALOGUE[hit.reason].meaning
        : 'service unavailable, retry later';
      throw new ViduHttpError(hit.reason, message, { status: hit.status, retryAfterSeconds: hit.retryAfterSeconds });
    }
    req.simDropResponse = faults.dropResponse(endpoint);
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const endpoint = endpointOf(req);
    if (!endpoint) return payload;
    const key = clientRequestIdOf(req);
    const entry: RequestLogEntry = {
      at: req.simAt,
      method: req.method,
      path: req.url.split('?', 1)[0] ?? req.url,
      endpoint,
      status: req.simDropResponse ? 0 : reply.statusCode,
      ...(key !== undefined ? { clientRequestId: key } : {}),
      ...(req.simTaskId ? { taskId: req.simTaskId } : {}),
      ...(req.method === 'POST' && req.body !== undefined ? { body: truncateDataUris(req.body) } : {}),
    };
    store.logRequest(entry);
    if (req.simDropResponse) {
      // The work is done (a create has made and charged its task); the client
      // just never hears about it — the ambiguous failure callers must survive.
      req.raw.socket?.destroy();
    }
    return payload;
  });
}
