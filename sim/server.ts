/**
 * The simulator as an HTTP server: `startSim(config)` for in-process use
 * (tests start it on port 0), sim/main.ts for `npm run sim`.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import './fastify-types';
import { registerApiHooks } from './api-hooks';
import { loadSimConfig, type SimConfig } from './config';
import { createContext, type SimContext } from './context';
import { errorBody, sendViduError, ViduHttpError } from './http-errors';
import { registerAdFilmRoutes } from './routes/ad-film';
import { registerMusicVideoRoutes } from './routes/music-video';
import { registerAdminRoutes } from './routes/admin';
import { registerCreditRoutes } from './routes/credits';
import { registerGenerateRoutes } from './routes/generate';
import { registerMediaRoutes } from './routes/media';
import { registerTaskRoutes } from './routes/tasks';
import { registerSubjectRoutes } from './routes/subjects';

export interface RunningSim {
  /** e.g. http://127.0.0.1:8790 — the API base URL (paths start with /ent/v2). */
  url: string;
  port: number;
  config: SimConfig;
  /** The live state, for in-process inspection; tests should prefer the HTTP admin API. */
  context: SimContext;
  app: FastifyInstance;
  /** Advance the simulated clock and apply what became due. */
  advance(seconds: number): void;
  reset(): void;
  close(): Promise<void>;
}

/** Fastify's own failures, answered in Vidu's error shape. */
function toViduError(err: FastifyError): ViduHttpError {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ViduHttpError('BadRequest', 'request body is larger than the 20 MB limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ViduHttpError('BadRequest', 'Content-Type must be application/json');
    default:
      if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
        return new ViduHttpError('BadRequest', `request body is not valid JSON: ${err.message}`);
      }
      if (err.statusCode !== undefined && err.statusCode < 500) return new ViduHttpError('BadRequest', err.message);
      return new ViduHttpError('InternalServiceFailure', 'internal service failure, please retry later');
  }
}

export function buildApp(ctx: SimContext): FastifyInstance {
  const app = Fastify({
    logger: ctx.config.logLevel === 'silent' ? false : { level: ctx.config.logLevel },
    bodyLimit: ctx.config.maxBodyBytes,
  });

  // An empty body on a POST (cancel is often sent bare) is no body, not a JSON error.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      const e = err as Error & { statusCode?: number };
      e.statusCode = 400;
      done(e, undefined);
    }
  });

  app.setErrorHandler((err: FastifyError | ViduHttpError, req, reply) => {
    const vidu = err instanceof ViduHttpError ? err : toViduError(err);
    if (vidu.status >= 500 && !(err instanceof ViduHttpError)) req.log.error(err);
    return sendViduError(reply, vidu);
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send(errorBody(404, 'NotFound', `no route for ${req.method} ${req.url.split('?', 1)[0]}`)),
  );

  registerApiHooks(app, ctx);
  registerGenerateRoutes(app, ctx);
  registerAdFilmRoutes(app, ctx);
  registerMusicVideoRoutes(app, ctx);
  registerTaskRoutes(app, ctx);
  registerCreditRoutes(app, ctx);
  registerMediaRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  registerSubjectRoutes(app, ctx);
  return app;
}

/**
 * Start a simulator. `overrides` are applied on top of the defaults (or of
 * a full config from loadSimConfig); port 0 picks a free port.
 */
export async function startSim(overrides: Partial<SimConfig> = {}): Promise<RunningSim> {
  const config: SimConfig = { ...loadSimConfig({}), ...overrides };
  const ctx = createContext(config);
  const app = buildApp(ctx);
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // A wildcard bind is reachable on loopback; media URLs need a concrete host.
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  ctx.baseUrl = config.publicUrl ?? url;
  ctx.engine.start(config.tickMs);
  return {
    url,
    port,
    config,
    context: ctx,
    app,
    advance(seconds) {
      ctx.clock.advance(seconds);
      ctx.engine.tick();
    },
    reset: () => ctx.reset(),
    async close() {
      ctx.engine.stop();
      ctx.callbacks.reset();
      await app.close();
    },
  };
}
