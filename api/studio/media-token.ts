import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ApiKey } from '../../platform/keys/api-keys';

// Short-lived signed media URLs for the studio. A <video src> or <img src> cannot send an
// Authorization header, and the key must never be put in a URL, so the studio asks (with its key,
// GET /studio/api/generations/{id}) for links that name ONE file of ONE generation, for
// MEDIA_LINK_SECONDS, signed for the key that asked. The signature is an HMAC keyed with the
// key's own SHA-256 from the keys file: every API instance can check it (stateless, as the API
// is), a rotated or removed key's links stop working at once, and the link reveals nothing about
// the key (its id is not secret). A link is a capability like an S3 presigned URL (api/downloads.ts
// signs those for an hour): it may be copied within its lifetime, so it is short, and it reads
// only. The request log never prints query strings (api/server.ts logs the path only).

export const MEDIA_LINK_SECONDS = 30 * 60;
const CONTEXT = 'vidu-flow-studio-media-v1';

export interface MediaGrant {
  /** Key id the link was signed for. */
  k: string;
  /** Unix seconds after which the link is refused. */
  exp: number;
  sig: string;
}

function mac(key: Pick<ApiKey, 'id' | 'keySha256'>, resource: string, exp: number): Buffer {
  return createHmac('sha256', Buffer.from(key.keySha256, 'hex'))
    .update(`${CONTEXT}\n${key.id}\n${resource}\n${exp}`)
    .digest();
}

/** The query of a link to `resource` (e.g. `<workflow id>/file/0`) for `key`, valid `seconds` from `nowMs`. */
export function signMedia(
  key: Pick<ApiKey, 'id' | 'keySha256'>,
  resource: string,
  nowMs = Date.now(),
  seconds = MEDIA_LINK_SECONDS,
): MediaGrant {
  const exp = Math.floor(nowMs / 1000) + seconds;
  return { k: key.id, exp, sig: mac(key, resource, exp).toString('base64url') };
}

export function mediaQuery(grant: MediaGrant): string {
  return `k=${encodeURIComponent(grant.k)}&exp=${grant.exp}&sig=${grant.sig}`;
}

/**
 * The key a link was signed for, when the signature is right for `resource`, not expired, and the
 * key is still in the keys file unchanged with `read`; otherwise undefined (the route answers 404,
 * the same for a forged, expired or foreign link as for a file that does not exist).
 */
export function verifyMedia(
  keys: readonly ApiKey[],
  resource: string,
  query: Record<string, unknown>,
  nowMs = Date.now(),
): ApiKey | undefined {
  const { k, exp, sig } = query;
  if (typeof k !== 'string' || typeof sig !== 'string' || typeof exp !== 'string' || !/^\d{1,12}$/.test(exp))
    return undefined;
  const expires = Number(exp);
  if (expires * 1000 < nowMs) return undefined;
  const key = keys.find((candidate) => candidate.id === k);
  if (!key || !key.scopes.includes('read')) return undefined;
  const want = mac(key, resource, expires);
  const got = Buffer.from(sig, 'base64url');
  return got.length === want.length && timingSafeEqual(got, want) ? key : undefined;
}
