/**
 * Small pure helpers for ViduClient: secret scrubbing, Retry-After, backoff and
 * classification of fetch failures. Kept apart from the client so each can be
 * unit-tested without a server.
 */
import type { TransportFailureKind } from './errors';

const REDACTED = '[REDACTED]';

/**
 * Remove every spelling of the secret we might plausibly meet in text (raw,
 * URL-encoded, JSON-escaped). Applied to anything that came from the network or
 * from a lower layer before it is put into an error.
 */
export function redactSecret(text: string, secret: string): string {
  if (!secret) return text;
  const variants = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
  let out = text;
  for (const v of variants) if (v) out = out.split(v).join(REDACTED);
  return out;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[${text.length - max} more chars]`;
}

/**
 * Retry-After is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * Vidu does not document sending it, but gateways in front of it may.
 * Fractional seconds are accepted because being liberal costs nothing here.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  // HTTP-dates always name a month; this keeps Date.parse from reading "-5" as a year.
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 10_000, factor: 2 };

/**
 * Delay before retry number `attempt` (0 = first retry): exponential, capped,
 * with "equal jitter" — half fixed, half random — so concurrent workers spread
 * out without any of them retrying almost immediately.
 */
export function backoffDelayMs(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const exp = opts.initialMs * Math.pow(opts.factor, Math.max(0, attempt));
  const base = Math.min(opts.maxMs, exp);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(base / 2 + (base / 2) * r);
}

/**
 * Error codes that can only occur before a request byte reached the server:
 * name resolution, connect refusal/unreachability, undici's own connect timeout
 * and TLS certificate rejection (the body is only written after the handshake).
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EAI_NODATA',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/**
 * undici wraps socket errors as TypeError('fetch failed', { cause }); with
 * happy-eyeballs the cause can be an AggregateError whose code (or whose
 * members' codes) carry the real reason. Walk a few levels looking for a code.
 */
export function findErrorCode(err: unknown, depth = 0): string | undefined {
  if (!isRecord(err) || depth > 4) return undefined;
  if (typeof err.code === 'string') return err.code;
  if (Array.isArray(err.errors)) {
    for (const e of err.errors) {
      const c = findErrorCode(e, depth + 1);
      if (c) return c;
    }
  }
  return findErrorCode(err.cause, depth + 1);
}

export interface TransportClassification {
  kind: TransportFailureKind;
  ambiguous: boolean;
  code: string | undefined;
}

/**
 * Decide whether a failed request may have reached Vidu. When in doubt, say
 * "ambiguous": the cost of a wrong "no" is a duplicate paid task, the cost of a
 * wrong "yes" is one extra lookup.
 *
 * `responseStarted`: headers had arrived, so the request certainly reached Vidu.
 */
export function classifyTransportFailure(
  err: unknown,
  ctx: { timedOut: boolean; responseStarted: boolean },
): TransportClassification {
  const code = findErrorCode(err);
  const kind: TransportFailureKind = ctx.timedOut || code === 'UND_ERR_CONNECT_TIMEOUT' ? 'timeout' : 'network';
  if (ctx.responseStarted) return { kind, ambiguous: true, code };
  const notSent = code !== undefined && NOT_SENT_CODES.has(code);
  return { kind, ambiguous: !notSent, code };
}

/**
 * Copy an error chain into fresh Error objects whose text is scrubbed, keeping
 * only name/message/code/stack. Lower layers (undici, a custom fetch) are not
 * ours and could mention request details; this makes `cause` safe to log.
 */
export function sanitizeCause(err: unknown, secret: string, depth = 0): unknown {
  if (depth > 4) return undefined;
  if (!(err instanceof Error) && !isRecord(err)) {
    return err === undefined ? undefined : redactSecret(String(err), secret);
  }
  const src = err as Record<string, unknown>;
  const message = redactSecret(typeof src.message === 'string' ? src.message : String(err), secret);
  const copy = new Error(message) as Error & { code?: string };
  copy.name = typeof src.name === 'string' ? redactSecret(src.name, secret) : 'Error';
  if (typeof src.code === 'string') copy.code = src.code;
  copy.stack = typeof src.stack === 'string' ? redactSecret(src.stack, secret) : `${copy.name}: ${message}`;
  const inner = src.cause ?? (Array.isArray(src.errors) ? src.errors[0] : undefined);
  if (inner !== undefined) {
    Object.defineProperty(copy, 'cause', {
      value: sanitizeCause(inner, secret, depth + 1),
      enumerable: false,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/** Error text of a (possibly wrapped) fetch failure, most specific part first. */
export function describeFailure(err: unknown): string {
  if (!isRecord(err)) return String(err);
  const own = typeof err.message === 'string' ? err.message : String(err);
  const cause = err.cause;
  if (isRecord(cause) && typeof cause.message === 'string' && cause.message && cause.message !== own) {
    return `${own}: ${cause.message}`;
  }
  return own;
}
