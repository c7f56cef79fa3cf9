import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { type ApiKey, bearerToken, findKey, hasScope, type Scope } from '../platform/keys/api-keys';
import { problem, ProblemError } from './problem';
import type { RateLimiter } from './rate-limit';

// The front door (issue 16 item 1): the key first, then the body. Every route that needs a key is
// authenticated in an onRequest hook — before fastify reads a byte of the body — and rate limited
// there too: a request without a valid key is answered 401 (or 429) without its body being
// parsed or buffered (Node discards what arrives, and the connection is closed after the answer).
//
// Deny by default: every route is behind the door unless it says `config: { public: true }`
// (/healthz, /docs, /openapi.json). A route states its scope the way it always has,
// `{ preHandler: guard('start') }`: the onRoute hook below reads the scope from that guard and
// checks it at the door as well, so a key without the scope is refused before its body is read.
// Body limits are per route, set here from one table (routes that take media get the larger
// one); a route that sets its own `bodyLimit` keeps it.

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without a key (health, docs). */
    public?: boolean;
  }
}

export interface FrontDoorOptions {
  keys: () => readonly ApiKey[];
  limiter: RateLimiter;
  /** Requests a minute per API key id (0 = no limit). */
  perKeyPerMinute: number;
  /** Requests a minute per client address, for requests without a valid key (0 = no limit). */
  perAddressPerMinute: number;
  /** Body limit of every route not in `largeBodyRoutes`. */
  jsonBodyLimit: number;
  /** `METHOD url` → its own body limit: the routes that take media (data: URIs) or many lines. */
  largeBodyRoutes: Readonly<Record<string, number>>;
}

/** A 429 (or other refusal) that carries Retry-After. */
export class RetryLaterError extends ProblemError {
  constructor(
    err: ProblemError,
    readonly retryAfterSeconds: number,
  ) {
    super(err.problem);
    this.name = 'RetryLaterError';
  }
}

export type ScopedGuard = ((req: FastifyRequest) => Promise<void>) & { scope: Scope };

/**
 * The scope check routes name as their preHandler. The front door has already authenticated the
 * request and checked this scope; it is checked again here so a route registered outside the
 * door (a test app, a plugin) still cannot run without the key and scope.
 */
export function makeGuard(opts: Pick<FrontDoorOptions, 'keys'>): (scope: Scope) => ScopedGuard {
  return (scope) =>
    Object.assign(
      async (req: FastifyRequest) => {
        if (!req.apiKey) req.apiKey = authenticate(opts.keys(), req);
        if (!hasScope(req.apiKey, scope)) throw forbidden(req.apiKey, scope);
      },
      { scope },
    );
}

/** The request's bearer token and the key it matches, if any. */
function presentedKey(keys: readonly ApiKey[], req: FastifyRequest): { token?: string; key?: ApiKey } {
  const token = bearerToken(req.headers.authorization);
  const key = token ? findKey(keys, token) : undefined;
  return { ...(token ? { token } : {}), ...(key ? { key } : {}) };
}

function unauthorized(token: string | undefined): ProblemError {
  return problem(401, 'unauthorized', token ? 'unknown API key' : 'send an API key: Authorization: Bearer <key>');
}

function authenticate(keys: readonly ApiKey[], req: FastifyRequest): ApiKey {
  const { token, key } = presentedKey(keys, req);
  if (!key) throw unauthorized(token);
  return key;
}

function forbidden(key: ApiKey, scope: Scope): ProblemError {
  return problem(403, 'forbidden', `the API key ${JSON.stringify(key.name)} lacks the scope ${JSON.stringify(scope)}`);
}

/** The scope named by a route's guard preHandler, if any. */
function scopeOf(route: RouteOptions): Scope | undefined {
  const hooks =
    route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
  return (hooks as Array<Partial<ScopedGuard>>).find((h) => typeof h.scope === 'string')?.scope;
}

/** Installs the door: call before registering routes (onRoute sees only routes added after it). */
export function installFrontDoor(app: FastifyInstance, opts: FrontDoorOptions): void {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.bodyLimit === undefined) {
      const large = methods.map((m) => opts.largeBodyRoutes[`${m} ${route.url}`]).find((n) => n !== undefined);
      route.bodyLimit = large ?? opts.jsonBodyLimit;
    }
    if (route.config?.public) return;
    const scope = scopeOf(route);
    const door = async (req: FastifyRequest) => {
      const { token, key } = presentedKey(opts.keys(), req);
      const wait = key
        ? opts.limiter.take(`key:${key.id}`, opts.perKeyPerMinute)
        : opts.limiter.take(`addr:${req.ip}`, opts.perAddressPerMinute);
      if (wait > 0) {
        throw new RetryLaterError(
          problem(
            429,
            'rate-limited',
            key
              ? `too many requests for the API key ${JSON.stringify(key.name)}; retry after ${wait} s`
              : `too many requests from this address without a valid API key; retry after ${wait} s`,
          ),
          wait,
        );
      }
      if (!key) throw unauthorized(token);
      req.apiKey = key;
      if (scope && !hasScope(key, scope)) throw forbidden(key, scope);
    };
    const existing =
      route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [door, ...existing] as RouteOptions['onRequest'];
  });
}
