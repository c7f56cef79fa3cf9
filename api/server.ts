import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { installFrontDoor, makeGuard, RetryLaterError } from './front-door';
import { JsonTooDeepError, useDepthLimitedJson } from './json-body';
import { API_LIMIT_DEFAULTS, largeBodyRoutes } from './limits';
import type { ApiKey } from '../platform/keys/api-keys';
import { isWorkflowNotFound } from '../platform/generation-view';
import { problem, PROBLEM_CONTENT_TYPE, ProblemError } from './problem';
import { RateLimiter } from './rate-limit';
import { StatusHub } from './status-hub';
import { StreamSlots } from './stream-slots';
import { registerDocs } from './routes/docs';
import { registerEvents, temporalStatusSource } from './routes/events';
import { registerGenerations } from './routes/generations';
import { registerReview } from './routes/review';
import { registerStarts } from './routes/starts';
import { registerBatches } from './routes/batches';
import { registerEstimates } from './routes/estimates';
import { registerBudgets } from './routes/budgets';
import { registerUploads } from './routes/uploads';
import { registerSubjects } from './routes/subjects';
import { registerStudio } from './studio/routes';
import { DEFAULT_STAGING_TTL_DAYS } from '../platform/config/env';
import type { ApiDeps, Guard } from './deps';

export type { ApiDeps, Guard } from './deps';

// The HTTP API: a stateless fastify service in front of the client library. Everything it knows
// lives in Temporal (ids, search attributes, memo), so any number of instances can serve behind a
// load balancer. Every error is an RFC 9457 problem; no secret appears in a response or a log.

declare module 'fastify' {
  interface FastifyRequest {
    apiKey?: ApiKey;
  }
}

export function buildApi(deps: ApiDeps): FastifyInstance {
  const limits = {
    ...API_LIMIT_DEFAULTS,
    ...Object.fromEntries(Object.entries(deps).filter(([k, v]) => k in API_LIMIT_DEFAULTS && v !== undefined)),
  } as {
    -readonly [K in keyof typeof API_LIMIT_DEFAULTS]: number;
  };
  const app = Fastify({
    logger: false,
    bodyLimit: limits.jsonBodyLimit,
    ...(deps.trustProxy !== undefined ? { trustProxy: deps.trustProxy } : {}),
  });
  const log = deps.log ?? ((line: string) => console.log(line));
  // JSON only: a text/plain body is a 415, not a string that fails later as "not an object".
  app.removeContentTypeParser('text/plain');
  useDepthLimitedJson(app, limits.jsonMaxDepth);
  installFrontDoor(app, {
    keys: deps.keys,
    limiter: new RateLimiter(),
    perKeyPerMinute: limits.rateLimitPerKey,
    perAddressPerMinute: limits.rateLimitPerAddress,
    jsonBodyLimit: limits.jsonBodyLimit,
    largeBodyRoutes: largeBodyRoutes(limits),
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof ProblemError) {
      // Refused at the door without a valid key: the body is not read (Node discards what
      // arrives) and the connection is not kept for another request.
      if (!req.apiKey && (err.problem.status === 401 || err.problem.status === 429))
        reply.header('connection', 'close');
      return sendProblem(reply, err);
    }
    if (err instanceof JsonTooDeepError) {
      return sendProblem(
        reply,
        problem(400, 'bad-request', err.message, {
          errors: [{ field: '(body)', message: `must not nest deeper than ${err.maxDepth} levels` }],
        }),
      );
    }
    if (isWorkflowNotFound(err)) return sendProblem(reply, problem(404, 'not-found', 'no such generation'));
    const fastifyErr = err as { statusCode?: number; code?: string; message?: string };
    const status = fastifyErr.statusCode;
    if (status === 413)
      return sendProblem(
        reply,
        problem(
          413,
          'too-large',
          `the body is larger than ${req.routeOptions.bodyLimit ?? limits.jsonBodyLimit} bytes`,
        ),
      );
    if (status === 415)
      return sendProblem(reply, problem(415, 'unsupported-media-type', 'send the body as application/json'));
    if (status !== undefined && status >= 400 && status < 500) {
      const detail =
        fastifyErr.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
          ? 'the body is empty; send a JSON object'
          : 'the body is not valid JSON';
      return sendProblem(
        reply,
        problem(400, 'bad-request', detail, { errors: [{ field: '(body)', message: detail }] }),
      );
    }
    // Unexpected: log the message for the operator (no request body, no headers), answer generically.
    log(`api error on ${req.method} ${req.routeOptions.url ?? req.url}: ${fastifyErr.message ?? String(err)}`);
    return sendProblem(reply, problem(500, 'internal', 'internal error; the operator can find it in the API log'));
  });
  // A path the API does not serve has a type of its own (`no-route`), so a caller (and the route
  // walk in test/e2e/api.test.ts) can tell a wrong URL from a generation that does not exist.
  app.setNotFoundHandler((req, reply) =>
    sendProblem(reply, problem(404, 'no-route', `no route ${req.method} ${req.url.split('?')[0]}`)),
  );

  app.addHook('onResponse', async (req, reply) => {
    log(`${req.method} ${req.url.split('?')[0]} ${reply.statusCode}${req.apiKey ? ` ${req.apiKey.name}` : ''}`);
  });

  const guard: Guard = makeGuard({ keys: deps.keys });
  const streams = deps.streams ?? new StreamSlots(limits.maxStreamsPerKey, limits.maxStreams);
  const statusHub = deps.statusHub ?? new StatusHub(temporalStatusSource(deps), limits.eventsPollMs);

  app.get('/healthz', { config: { public: true } }, async () => ({ ok: true }));
  registerDocs(app);
  registerStarts(app, guard, deps);
  registerBatches(app, guard, deps);
  registerEstimates(app, guard, deps);
  registerUploads(app, guard, { ...deps, stagingTtlDays: deps.stagingTtlDays ?? DEFAULT_STAGING_TTL_DAYS });
  registerGenerations(app, guard, deps);
  registerReview(app, guard, deps);
  registerEvents(app, guard, { ...deps, streams, statusHub });
  registerStudio(app, guard, deps);
  registerBudgets(app, guard, deps);
  registerSubjects(app, guard, deps);
  return app;
}

export function sendProblem(reply: FastifyReply, err: ProblemError): FastifyReply {
  if (err.problem.status === 401) reply.header('www-authenticate', 'Bearer');
  if (err instanceof RetryLaterError) reply.header('retry-after', String(err.retryAfterSeconds));
  return reply.code(err.problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(err.problem));
}
