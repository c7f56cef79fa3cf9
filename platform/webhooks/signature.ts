import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// Standard Webhooks signatures (https://www.standardwebhooks.com): the sender signs
// `<webhook-id>.<webhook-timestamp>.<body>` with HMAC-SHA256 and sends `v1,<base64 signature>`;
// the secret is written `whsec_<base64 key bytes>`. One module for both sides, so the worker's
// signing and the verification the client library exports cannot drift apart.

/** How far webhook-timestamp may be from now before a delivery is refused (replay protection). */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

const SECRET_PREFIX = 'whsec_';

/** A body of the events vidu-flow sends: `{ type, timestamp, data }`. */
export interface WebhookEvent<Data = unknown> {
  type: string;
  timestamp: string;
  data: Data;
}

export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

/** The key bytes of a `whsec_<base64>` secret (a bare base64 string is accepted too). */
export function webhookSecretBytes(secret: string): Buffer {
  const text = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  // Never echo the secret: the message names the rule only.
  if (bytes.length < 16)
    throw new WebhookVerificationError('the webhook secret must be whsec_ followed by the base64 of at least 16 bytes');
  return bytes;
}

/** A new secret, `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

function rawSignature(id: string, timestamp: number, body: string | Buffer, key: Buffer): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
}

/** `v1,<base64 HMAC-SHA256 of id.timestamp.body>` */
export function signWebhook(id: string, timestamp: number, body: string | Buffer, secret: string): string {
  return `v1,${rawSignature(id, timestamp, body, webhookSecretBytes(secret)).toString('base64')}`;
}

/** The three headers of one delivery attempt (the timestamp is the attempt's, in Unix seconds). */
export function webhookHeaders(
  id: string,
  body: string,
  secret: string,
  now: Date = new Date(),
): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(id, timestamp, body, secret),
  };
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : bag[key];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Verifies a delivery: the signature over the raw body (as received, before any JSON parsing) and
 * the timestamp within `toleranceSeconds` of now. Returns the parsed event; throws
 * WebhookVerificationError saying what is wrong. Deduplicate on `webhook-id`: a retried delivery
 * carries the same id.
 */
export function verifyWebhook(
  headers: HeaderBag,
  body: string | Buffer,
  secret: string,
  opts: { now?: Date; toleranceSeconds?: number } = {},
): WebhookEvent {
  const id = header(headers, 'webhook-id');
  const ts = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !ts || !signatures)
    throw new WebhookVerificationError('missing webhook-id, webhook-timestamp or webhook-signature header');
  if (!/^\d{1,12}$/.test(ts)) throw new WebhookVerificationError('webhook-timestamp: must be Unix seconds');
  const timestamp = Number(ts);
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const tolerance = opts.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  if (Math.abs(now - timestamp) > tolerance)
    throw new WebhookVerificationError(`webhook-timestamp: more than ${tolerance} s from now`);
  const expected = rawSignature(id, timestamp, body, webhookSecretBytes(secret));
  // Several space-separated signatures may be sent (e.g. during a secret rotation); one must match.
  let matched = false;
  for (const entry of signatures.split(' ')) {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) continue;
    const given = Buffer.from(value, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  if (!matched) throw new WebhookVerificationError('webhook-signature: no v1 signature matches');
  const text = typeof body === 'string' ? body : body.toString('utf8');
  try {
    return JSON.parse(text) as WebhookEvent;
  } catch {
    throw new WebhookVerificationError('body: not JSON');
  }
}
