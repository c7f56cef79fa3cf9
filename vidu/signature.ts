/**
 * Vidu callback signature (docs/vidu-api.md §10): HMAC-SHA256 keyed with the API token that
 * created the task, over METHOD, path, raw query, "vidu", Date and the signed
 * headers. The body is NOT signed, so a verified callback proves origin and
 * freshness only; its content is still re-checked against Get Generation.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_ALGORITHM = 'hmac-sha256';
export const SIGNATURE_ACCESS_KEY = 'vidu';
export const DEFAULT_SIGNED_HEADERS = ['Date', 'x-request-nonce'] as const;
export const DEFAULT_MAX_SKEW_MS = 5 * 60 * 1000;

export interface SigningStringInput {
  method: string;
  path: string;
  /** Raw query string without '?', exactly as it appears in the URL; '' if none. */
  query: string;
  date: string;
  signedHeaders: ReadonlyArray<readonly [name: string, value: string]>;
}

export function buildSigningString(input: SigningStringInput): string {
  let s = `${input.method.toUpperCase()}\n${input.path || '/'}\n${input.query}\n${SIGNATURE_ACCESS_KEY}\n${input.date}\n`;
  for (const [name, value] of input.signedHeaders) s += `${name}:${value}\n`;
  return s;
}

export function computeSignature(secret: string, signingString: string): string {
  return createHmac('sha256', secret).update(signingString, 'utf8').digest('base64');
}

/**
 * Split "path?query#frag" the way Vidu's doc example does: raw, no decoding,
 * no re-encoding, no sorting. WHATWG URL is avoided on purpose because it
 * re-encodes some query characters, which would change the signed bytes.
 */
export function splitPathAndQuery(pathWithQuery: string): { path: string; query: string } {
  const noFrag = pathWithQuery.split('#', 1)[0] ?? '';
  const q = noFrag.indexOf('?');
  const path = q === -1 ? noFrag : noFrag.slice(0, q);
  const query = q === -1 ? '' : noFrag.slice(q + 1);
  return { path: path || '/', query };
}

/** Path+query of an absolute URL, taken from the raw text after the authority. */
export function rawPathAndQuery(url: string): { path: string; query: string } {
  new URL(url); // validation only: throws on garbage
  const rest = url.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/, '');
  return splitPathAndQuery(rest);
}

export interface SignCallbackInput {
  secret: string;
  method?: string;
  /** The callback_url the task was created with. */
  url: string;
  date?: Date;
  nonce?: string;
}

export type SignedCallbackHeaders = {
  Date: string;
  'x-request-nonce': string;
  'X-HMAC-SIGNED-HEADERS': string;
  'X-HMAC-SIGNATURE': string;
  'X-HMAC-ALGORITHM': string;
  'X-HMAC-ACCESS-KEY': string;
};

/** What Vidu (or the simulator standing in for it) sends with a callback POST. */
export function signCallbackRequest(input: SignCallbackInput): SignedCallbackHeaders {
  const { path, query } = rawPathAndQuery(input.url);
  // toUTCString() is exactly IMF-fixdate: "Tue, 06 May 2025 12:09:42 GMT".
  const date = (input.date ?? new Date()).toUTCString();
  const nonce = input.nonce ?? randomUUID();
  const signingString = buildSigningString({
    method: input.method ?? 'POST',
    path,
    query,
    date,
    signedHeaders: [
      ['Date', date],
      ['x-request-nonce', nonce],
    ],
  });
  return {
    Date: date,
    'x-request-nonce': nonce,
    'X-HMAC-SIGNED-HEADERS': DEFAULT_SIGNED_HEADERS.join(';'),
    'X-HMAC-SIGNATURE': computeSignature(input.secret, signingString),
    'X-HMAC-ALGORITHM': SIGNATURE_ALGORITHM,
    'X-HMAC-ACCESS-KEY': SIGNATURE_ACCESS_KEY,
  };
}

export type HeaderSource =
  Readonly<Record<string, string | readonly string[] | undefined>> | { get(name: string): string | null };

export interface VerifyCallbackInput {
  secret: string;
  method: string;
  /** Raw request target as received (e.g. req.url in Node/fastify), path plus query. */
  pathWithQuery: string;
  headers: HeaderSource;
  now: Date;
  maxSkewMs?: number;
}

export type VerifyFailureReason =
  | 'missing-signature'
  | 'bad-algorithm'
  | 'bad-signature'
  | 'missing-date'
  | 'stale-date'
  | 'missing-header'
  | 'unsigned-nonce'
  | 'missing-nonce';

export type VerifyResult = { ok: true; nonce: string } | { ok: false; reason: VerifyFailureReason };

/** The nonce header; it must be among the signed headers, or a replay could swap it freely. */
export const NONCE_HEADER = 'x-request-nonce';
/** Longest nonce accepted (Vidu sends a UUID); anything longer is not Vidu's and would bloat caches. */
export const MAX_NONCE_LENGTH = 128;

function headerGetter(headers: HeaderSource): (name: string) => string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    const h = headers as { get(name: string): string | null };
    return (name) => h.get(name) ?? undefined;
  }
  const lower = new Map<string, string | readonly string[] | undefined>();
  for (const [k, v] of Object.entries(headers as Record<string, string | readonly string[] | undefined>)) {
    lower.set(k.toLowerCase(), v);
  }
  return (name) => {
    const v = lower.get(name.toLowerCase());
    // Node joins most duplicate headers with ", "; do the same for array forms.
    return Array.isArray(v) ? v.join(', ') : (v as string | undefined);
  };
}

/**
 * Check a received callback. The path/query must be what Vidu signed, i.e. the
 * callback_url as given at create time: behind a proxy that rewrites paths the
 * caller must pass the external path. The nonce must be signed (else a replay
 * could carry any nonce past a dedupe) and is returned: remembering it is the
 * caller's job (the receiver's cache, and the workflow's own recent nonces).
 */
export function verifyCallbackRequest(input: VerifyCallbackInput): VerifyResult {
  const get = headerGetter(input.headers);
  const provided = get('x-hmac-signature')?.trim();
  if (!provided) return { ok: false, reason: 'missing-signature' };

  // Vidu always sends the algorithm; a request without it did not come from Vidu.
  const algorithm = get('x-hmac-algorithm')?.trim().toLowerCase();
  if (algorithm !== SIGNATURE_ALGORITHM) return { ok: false, reason: 'bad-algorithm' };

  const date = get('date')?.trim();
  if (!date) return { ok: false, reason: 'missing-date' };
  const dateMs = Date.parse(date);
  if (Number.isNaN(dateMs)) return { ok: false, reason: 'missing-date' };
  const maxSkew = input.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  if (Math.abs(input.now.getTime() - dateMs) > maxSkew) return { ok: false, reason: 'stale-date' };

  const list = get('x-hmac-signed-headers');
  if (list === undefined) return { ok: false, reason: 'missing-header' };
  const signedHeaders: Array<[string, string]> = [];
  const names = list.split(';').map((n) => n.trim().toLowerCase());
  if (!names.includes(NONCE_HEADER)) return { ok: false, reason: 'unsigned-nonce' };
  const nonce = get(NONCE_HEADER)?.trim();
  if (!nonce || nonce.length > MAX_NONCE_LENGTH) return { ok: false, reason: 'missing-nonce' };
  for (const raw of list.split(';')) {
    const name = raw.trim();
    if (!name) continue;
    const value = get(name);
    if (value === undefined) return { ok: false, reason: 'missing-header' };
    // Names exactly as listed: they are part of the signed bytes.
    signedHeaders.push([name, value]);
  }

  const { path, query } = splitPathAndQuery(input.pathWithQuery);
  const expected = computeSignature(
    input.secret,
    buildSigningString({ method: input.method, path, query, date, signedHeaders }),
  );
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  // Length is not secret (always 44 for SHA-256 base64); timingSafeEqual needs equal lengths.
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: 'bad-signature' };
  return { ok: true, nonce };
}
