import { describe, expect, it } from 'vitest';
import {
  buildSigningString,
  computeSignature,
  rawPathAndQuery,
  signCallbackRequest,
  splitPathAndQuery,
  verifyCallbackRequest,
} from '../../vidu/signature';

const DATE = 'Tue, 06 May 2025 12:09:42 GMT';
const NONCE = '123e4567-e89b-12d3-a456-426614174000';
const DOC_URL = 'http://127.0.0.1:8080/vidu/callback?name=james&age=36';
const SECRET = 'test-api-key';

// Verbatim from docs/vidu-api.md §10 (Vidu's callback-signature page).
const DOC_SIGNING_STRING =
  'POST\n' +
  '/vidu/callback\n' +
  'name=james&age=36\n' +
  'vidu\n' +
  'Tue, 06 May 2025 12:09:42 GMT\n' +
  'Date:Tue, 06 May 2025 12:09:42 GMT\n' +
  'x-request-nonce:123e4567-e89b-12d3-a456-426614174000\n';

/** What Node hands a server: lower-cased header names. */
function asReceived(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

describe('buildSigningString', () => {
  it('reproduces the documented example exactly', () => {
    const s = buildSigningString({
      method: 'POST',
      path: '/vidu/callback',
      query: 'name=james&age=36',
      date: DATE,
      signedHeaders: [
        ['Date', DATE],
        ['x-request-nonce', NONCE],
      ],
    });
    expect(s).toBe(DOC_SIGNING_STRING);
  });

  it('uses / for an empty path and an empty line for no query; upper-cases the method', () => {
    const s = buildSigningString({ method: 'post', path: '', query: '', date: DATE, signedHeaders: [] });
    expect(s).toBe(`POST\n/\n\nvidu\n${DATE}\n`);
  });
});

describe('path/query splitting', () => {
  it('keeps the query raw: unsorted, not re-encoded', () => {
    expect(rawPathAndQuery(DOC_URL)).toEqual({ path: '/vidu/callback', query: 'name=james&age=36' });
    expect(rawPathAndQuery('https://example.com')).toEqual({ path: '/', query: '' });
    expect(rawPathAndQuery('https://h/p?b=2&a=%2F x#frag')).toEqual({ path: '/p', query: 'b=2&a=%2F x' });
    expect(splitPathAndQuery('/cb?')).toEqual({ path: '/cb', query: '' });
    expect(splitPathAndQuery('')).toEqual({ path: '/', query: '' });
  });
});

describe('signCallbackRequest', () => {
  it('matches the independently computed doc-example signature', () => {
    const h = signCallbackRequest({ secret: SECRET, url: DOC_URL, date: new Date(DATE), nonce: NONCE });
    expect(h).toEqual({
      Date: DATE,
      'x-request-nonce': NONCE,
      'X-HMAC-SIGNED-HEADERS': 'Date;x-request-nonce',
      'X-HMAC-SIGNATURE': 'L99algINOfjgx5vOWvPCuEctxyIgCCEnEwAO6Ys/2NU=',
      'X-HMAC-ALGORITHM': 'hmac-sha256',
      'X-HMAC-ACCESS-KEY': 'vidu',
    });
    expect(computeSignature(SECRET, DOC_SIGNING_STRING)).toBe('L99algINOfjgx5vOWvPCuEctxyIgCCEnEwAO6Ys/2NU=');
  });

  it('signs a bare host URL with path / and empty query', () => {
    const h = signCallbackRequest({ secret: SECRET, url: 'https://example.com', date: new Date(DATE), nonce: NONCE });
    expect(h['X-HMAC-SIGNATURE']).toBe('82NL+2Yp68Gkz3ad1eE3tyADb5TpGbXfSx88PQc6YBs=');
  });

  it('defaults date to now and generates a fresh nonce', () => {
    const a = signCallbackRequest({ secret: SECRET, url: DOC_URL });
    const b = signCallbackRequest({ secret: SECRET, url: DOC_URL });
    expect(a['x-request-nonce']).not.toBe(b['x-request-nonce']);
    expect(Math.abs(Date.parse(a.Date) - Date.now())).toBeLessThan(5_000);
  });

  it('rejects a malformed URL', () => {
    expect(() => signCallbackRequest({ secret: SECRET, url: 'not a url' })).toThrow();
  });
});

describe('verifyCallbackRequest', () => {
  const now = new Date(DATE);
  const signed = asReceived(signCallbackRequest({ secret: SECRET, url: DOC_URL, date: now, nonce: NONCE }));
  const base = { secret: SECRET, method: 'POST', pathWithQuery: '/vidu/callback?name=james&age=36', now };

  it('accepts what signCallbackRequest produced (round trip), returning the nonce', () => {
    expect(verifyCallbackRequest({ ...base, headers: signed })).toEqual({ ok: true, nonce: NONCE });
  });

  it('looks headers up case-insensitively and accepts a Headers object', () => {
    const original = signCallbackRequest({ secret: SECRET, url: DOC_URL, date: now, nonce: NONCE });
    expect(verifyCallbackRequest({ ...base, headers: original }).ok).toBe(true);
    expect(verifyCallbackRequest({ ...base, headers: new Headers(original) }).ok).toBe(true);
  });

  it('accepts a date within the skew window', () => {
    const later = new Date(now.getTime() + 4 * 60 * 1000);
    expect(verifyCallbackRequest({ ...base, now: later, headers: signed }).ok).toBe(true);
  });

  it.each([
    ['tampered query', { pathWithQuery: '/vidu/callback?name=james&age=37' }],
    ['reordered query', { pathWithQuery: '/vidu/callback?age=36&name=james' }],
    ['other path', { pathWithQuery: '/vidu/other?name=james&age=36' }],
    ['other method', { method: 'PUT' }],
    ['wrong secret', { secret: 'another-key' }],
  ])('rejects %s as bad-signature', (_label, override) => {
    expect(verifyCallbackRequest({ ...base, headers: signed, ...override })).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('rejects a tampered nonce or signature as bad-signature', () => {
    expect(verifyCallbackRequest({ ...base, headers: { ...signed, 'x-request-nonce': 'other' } })).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyCallbackRequest({ ...base, headers: { ...signed, 'x-hmac-signature': 'c2hvcnQ=' } })).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('rejects a stale or future date', () => {
    const sixMin = 6 * 60 * 1000;
    expect(verifyCallbackRequest({ ...base, now: new Date(now.getTime() + sixMin), headers: signed })).toEqual({
      ok: false,
      reason: 'stale-date',
    });
    expect(verifyCallbackRequest({ ...base, now: new Date(now.getTime() - sixMin), headers: signed })).toEqual({
      ok: false,
      reason: 'stale-date',
    });
    expect(
      verifyCallbackRequest({
        ...base,
        now: new Date(now.getTime() + sixMin),
        maxSkewMs: 10 * 60 * 1000,
        headers: signed,
      }).ok,
    ).toBe(true);
  });

  it('reports missing pieces with specific reasons', () => {
    const without = (name: string) => {
      const h = { ...signed };
      delete h[name];
      return h;
    };
    expect(verifyCallbackRequest({ ...base, headers: without('x-hmac-signature') })).toEqual({
      ok: false,
      reason: 'missing-signature',
    });
    expect(verifyCallbackRequest({ ...base, headers: without('date') })).toEqual({ ok: false, reason: 'missing-date' });
    expect(verifyCallbackRequest({ ...base, headers: { ...signed, date: 'yesterday-ish' } })).toEqual({
      ok: false,
      reason: 'missing-date',
    });
    expect(verifyCallbackRequest({ ...base, headers: without('x-request-nonce') })).toEqual({
      ok: false,
      reason: 'missing-nonce',
    });
    expect(verifyCallbackRequest({ ...base, headers: without('x-hmac-signed-headers') })).toEqual({
      ok: false,
      reason: 'missing-header',
    });
  });

  it('rejects a wrong or missing algorithm', () => {
    expect(verifyCallbackRequest({ ...base, headers: { ...signed, 'x-hmac-algorithm': 'hmac-sha1' } })).toEqual({
      ok: false,
      reason: 'bad-algorithm',
    });
    const noAlg: Record<string, string> = { ...signed };
    delete noAlg['x-hmac-algorithm'];
    expect(verifyCallbackRequest({ ...base, headers: noAlg })).toEqual({ ok: false, reason: 'bad-algorithm' });
    // Case of the algorithm token does not matter.
    expect(verifyCallbackRequest({ ...base, headers: { ...signed, 'x-hmac-algorithm': 'HMAC-SHA256' } }).ok).toBe(true);
  });

  it('requires x-request-nonce among the signed headers, even when the signature over the rest is right', () => {
    // Signed over Date alone: a replay could then carry any nonce past a dedupe.
    const date = now.toUTCString();
    const signature = computeSignature(
      SECRET,
      buildSigningString({
        method: 'POST',
        path: '/vidu/callback',
        query: 'name=james&age=36',
        date,
        signedHeaders: [['Date', date]],
      }),
    );
    const headers = {
      date,
      'x-request-nonce': NONCE,
      'x-hmac-signed-headers': 'Date',
      'x-hmac-signature': signature,
      'x-hmac-algorithm': 'hmac-sha256',
      'x-hmac-access-key': 'vidu',
    };
    expect(verifyCallbackRequest({ ...base, headers })).toEqual({ ok: false, reason: 'unsigned-nonce' });
    // The name is matched case-insensitively, as header names are.
    expect(
      verifyCallbackRequest({ ...base, headers: { ...signed, 'x-hmac-signed-headers': 'Date;X-Request-Nonce' } }),
    ).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('refuses an empty or oversized nonce before computing anything', () => {
    expect(verifyCallbackRequest({ ...base, headers: { ...signed, 'x-request-nonce': '' } })).toEqual({
      ok: false,
      reason: 'missing-nonce',
    });
    expect(verifyCallbackRequest({ ...base, headers: { ...signed, 'x-request-nonce': 'n'.repeat(129) } })).toEqual({
      ok: false,
      reason: 'missing-nonce',
    });
  });

  it('verifies a callback to a bare host (path /, empty query)', () => {
    const h = signCallbackRequest({ secret: SECRET, url: 'https://example.com', date: now, nonce: NONCE });
    expect(verifyCallbackRequest({ ...base, pathWithQuery: '/', headers: asReceived(h) }).ok).toBe(true);
  });
});
