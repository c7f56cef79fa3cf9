// api/studio/media-token.ts: a media link names one file for one key, for a short time; anything
// else (another key, another file, expired, forged, a key rotated or stripped of `read`) is refused.
import { describe, expect, it } from 'vitest';
import { newApiKey } from '../../platform/keys/api-keys';
import { mediaQuery, MEDIA_LINK_SECONDS, signMedia, verifyMedia } from '../../api/studio/media-token';

const alice = newApiKey('alice').entry;
const mallory = newApiKey('mallory').entry;
const keys = [alice, mallory];
const now = Date.UTC(2026, 0, 1);
const query = (q: string) => Object.fromEntries(new URLSearchParams(q));

describe('studio media links', () => {
  const resource = 'img2video-key-a:order-1/file/0';
  const grant = signMedia(alice, resource, now);

  it('verifies for the key and resource it was signed for, within its lifetime', () => {
    expect(verifyMedia(keys, resource, query(mediaQuery(grant)), now)?.id).toBe(alice.id);
    expect(verifyMedia(keys, resource, query(mediaQuery(grant)), now + (MEDIA_LINK_SECONDS - 1) * 1000)?.id).toBe(
      alice.id,
    );
  });

  it('is refused after it expires', () => {
    expect(
      verifyMedia(keys, resource, query(mediaQuery(grant)), now + (MEDIA_LINK_SECONDS + 1) * 1000),
    ).toBeUndefined();
  });

  it('is refused for another file, another key id, a changed expiry or signature', () => {
    expect(verifyMedia(keys, 'img2video-key-a:order-1/file/1', query(mediaQuery(grant)), now)).toBeUndefined();
    expect(verifyMedia(keys, resource, { ...query(mediaQuery(grant)), k: mallory.id }, now)).toBeUndefined();
    expect(
      verifyMedia(keys, resource, { ...query(mediaQuery(grant)), exp: String(grant.exp + 3600) }, now),
    ).toBeUndefined();
    expect(
      verifyMedia(keys, resource, { ...query(mediaQuery(grant)), sig: grant.sig.slice(0, -2) + 'AA' }, now),
    ).toBeUndefined();
    expect(verifyMedia(keys, resource, { k: alice.id, exp: 'soon', sig: grant.sig }, now)).toBeUndefined();
    expect(verifyMedia(keys, resource, {}, now)).toBeUndefined();
  });

  it('stops working when the key is rotated, removed or loses read', () => {
    const q = query(mediaQuery(grant));
    expect(verifyMedia([{ ...alice, keySha256: mallory.keySha256 }], resource, q, now)).toBeUndefined();
    expect(verifyMedia([mallory], resource, q, now)).toBeUndefined();
    expect(verifyMedia([{ ...alice, scopes: ['start'] }], resource, q, now)).toBeUndefined();
  });

  it('carries the key id, never the key or its hash', () => {
    const text = mediaQuery(grant);
    expect(text).toContain(`k=${alice.id}`);
    expect(text).not.toContain(alice.keySha256);
  });
});
