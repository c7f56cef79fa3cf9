import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ViduFlowClient } from '../client';
import type { AddressPolicy } from '../activities/net/address-policy';
import type { Presigner } from './downloads';
import { type ApiKey, bearerToken, findKey, hasScope, type Scope } from './keys';
import { isWorkflowNotFound } from './generation-view';
import { problem, PROBLEM_CONTENT_TYPE, ProblemError } from './problem';
import { registerDocs } from './routes/docs';
import { registerEvents } from './routes/events';
import { registerGenerations } from './routes/generations';
import { registerReview } from './routes/review';
import { registerStarts } from './routes/starts';
import { registerBatches } from './routes/batches';

// The HTTP API: a stateless fastify service in front of the client library. Everything it knows
// lives in Temporal (ids, search attributes, memo), so any number of instances can serve behind a
// load balancer. Every error is an RFC 9457 problem; no secret appears in a response or a log.

export interface ApiDeps {
  client: ViduFlowClient;
  /** The current keys (re-read on SIGHUP by api/main.ts). */
  keys: () => readonly ApiKey[];
  /** Notify URLs are refused early when their host is a private address this policy refuses. */
  privateUrls: AddressPolicy;
  /** Largest accepted body (default 10 MiB: data: URIs of images fit). */
  bodyLimit?: number;
  /** How often /events asks the workflow for its status (default 1000 ms). */
  eventsPollMs?: number;
  /** Signs download links to S3-archived files in GET answers (api/downloads.ts); none without it. */
  presign?: Presigner;
  /** One line per request (method, path, status, caller name); default console.log. */
  log?: (line: string) => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    apiKey?: ApiKey;
  }
}

export type Guard = (scope: Scope) => (req: FastifyRequest) => Promise<void>;

export function buildApi(deps: ApiDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: deps.bodyLimit ?? 10 * 1024 * 1024 });
  const log = deps.log ?? ((line: string) => console.log(line));
  // JSON only: a text/plain body is a 415, not a string that fails later as "not an object".
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof ProblemError) return sendProblem(reply, err);
    if (isWorkflowNotFound(err)) return sendProblem(reply, problem(404, 'not-found', 'no such generation'));
    const fastifyErr = err as { statusCode?: number; code?: string; message?: string };
    const status = fastifyErr.statusCode;
    if (status === 413) return sendProblem(reply, problem(413, 'too-large', `the body is larger than ${deps.bodyLimit ?? 10 * 1024 * 1024} bytes`));
    if (status === 415) return sendProblem(reply, problem(415, 'unsupported-media-type', 'send the body as application/json'));
    if (status !== undefined && status >= 400 && status < 500) {
      const detail = fastifyErr.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'the body is empty; send a JSON object' : 'the body is not valid JSON';
      return sendProblem(reply, problem(400, 'bad-request', detail, { errors: [{ field: '(body)', message: detail }] }));
    }
    // Unexpected: log the message for the operator (no request body, no headers), answer generically.
    log(`api error on ${req.method} ${req.routeOptions.url ?? req.url}: ${fastifyErr.message ?? String(err)}`);
    return sendProblem(reply, problem(500, 'internal', 'internal error; the operator can find it in the API log'));
  });
  // A path the API does not serve has a type of its own (`no-route`), so a caller (and the route
  // walk in test/e2e/api.test.ts) can tell a wrong URL from a generation that does not exist.
  app.setNotFoundHandler((req, reply) => sendProblem(reply, problem(404, 'no-route', `no route ${req.method} ${req.url.split('?')[0]}`)));

  app.addHook('onResponse', async (req, reply) => {
    log(`${req.method} ${req.url.split('?')[0]} ${reply.statusCode}${req.apiKey ? ` ${req.apiKey.name}` : ''}`);
  });

  const guard: Guard = (scope) => async (req) => {
    const token = bearerToken(req.headers.authorization);
    const key = token ? findKey(deps.keys(), token) : undefined;
    if (!key) throw problem(401, 'unauthorized', token ? 'unknown API key' : 'send an API key: Authorization: Bearer <key>');
    req.apiKey = key;
    if (!hasScope(key, scope)) throw problem(403, 'forbidden', `the API key ${JSON.stringify(key.name)} lacks the scope ${JSON.stringify(scope)}`);
  };

  app.get('/healthz', async () => ({ ok: true }));
  registerDocs(app);
  registerStarts(app, guard, deps);
  registerBatches(app, guard, deps);
  registerGenerations(app, guard, deps);
  registerReview(app, guard, deps);
  registerEvents(app, guard, deps);
  return app;
}

export function sendProblem(reply: FastifyReply, err: ProblemError): FastifyReply {
  if (err.problem.status === 401) reply.header('www-authenticate', 'Bearer');
  return reply.code(err.problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(err.problem));
}
