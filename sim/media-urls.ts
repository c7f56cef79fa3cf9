/**
 * Signed, expiring media URLs, like a CDN's presigned links:
 *   <base>/_media/<creationId>[.cover|.wm].<ext>?exp=<unix seconds>&sig=<hmac>
 * No Authorization header is needed to fetch one, and it stops working
 * `ttl` simulated seconds after it was issued. Every Get Generation and every
 * callback issues fresh ones, as Vidu does.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type MediaVariant = 'main' | 'cover' | 'wm';

export interface MediaFile {
  creationId: string;
  variant: MediaVariant;
  ext: 'mp4' | 'png' | 'wav';
}

const FILE_RE = /^(\d{1,30})(?:\.(cover|wm))?\.(mp4|png|wav)$/;

export function fileName(f: MediaFile): string {
  return `${f.creationId}${f.variant === 'main' ? '' : `.${f.variant}`}.${f.ext}`;
}

export function parseFileName(name: string): MediaFile | undefined {
  const m = FILE_RE.exec(name);
  if (!m) return undefined;
  return {
    creationId: m[1] as string,
    variant: (m[2] as 'cover' | 'wm' | undefined) ?? 'main',
    ext: m[3] as 'mp4' | 'png' | 'wav',
  };
}

export class MediaSigner {
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
    private readonly baseUrl: () => string,
  ) {}

  private sign(name: string, exp: number): string {
    return createHmac('sha256', this.secret).update(`${name}\n${exp}`).digest('base64url');
  }

  issue(file: MediaFile, issuedAtSimMs: number): string {
    const name = fileName(file);
    const exp = Math.floor(issuedAtSimMs / 1000) + this.ttlSeconds;
    return `${this.baseUrl()}/_media/${name}?exp=${exp}&sig=${this.sign(name, exp)}`;
  }

  check(
    name: string,
    exp: string | undefined,
    sig: string | undefined,
    nowSimMs: number,
  ): 'ok' | 'bad-signature' | 'expired' {
    if (!exp || !sig || !/^\d+$/.test(exp)) return 'bad-signature';
    const want = Buffer.from(this.sign(name, Number(exp)));
    const got = Buffer.from(sig);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return 'bad-signature';
    return nowSimMs / 1000 > Number(exp) ? 'expired' : 'ok';
  }
}
