import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ViduFlowClient } from '../../client';
import { parseAllowPrivate } from '../../platform/net/address-policy';
import { checkGenerationInput } from '../../contract/generation-input';
import { nestedDeeperThan } from '../../api/json-body';
import { newApiKey } from '../../platform/keys/api-keys';
import { API_LIMIT_DEFAULTS } from '../../api/limits';
import { RateLimiter } from '../../api/rate-limit';
import { buildApi } from '../../api/server';

// The front door (issue 16 item 1): the key is checked, and the caller rate limited, before the
// body is read; body limits are per route; JSON nesting is limited before JSON.parse. The client
// library throws on any use, so every refusal here provably happened before anything started.

const untouchable = new Proxy(
  {},
  {
    get: (_t, p) => {
      throw new Error(`the client was used (${String(p)}) for a request that should have been refused`);
    },
  },
) as ViduFlowClient;

describe('JSON nesting depth, scanned on the raw text', () => {
  it('counts arrays and objects, not brackets inside strings or after escapes', () => {
    expect(nestedDeeperThan('{"a":[1,{"b":[]}]}', 4)).toBe(false);
    expect(nestedDeeperThan('{"a":[1,{"b":[]}]}', 3)).toBe(true);
    expect(nestedDeeperThan(JSON.stringify({ s: '[[[[[[[[[[{{{{{{' }), 1)).toBe(false);
    expect(nestedDeeperThan(JSON.stringify({ s: 'a\\"[[[[[[[' }), 1)).toBe(false);
    expect(nestedDeeperThan(JSON.stringify({ s: '\\' }) + '[[[', 2)).toBe(true);
    // Siblings do not add up: depth goes back down at each close.
    expect(nestedDeeperThan(`[${'[],'.repeat(10_000)}[]]`, 2)).toBe(false);
    expect(nestedDeeperThan('[[1]]', 2)).toBe(false);
    expect(nestedDeeperThan('[[[1]]]', 2)).toBe(true);
  });

  it('refuses 10 MiB of `[` after looking at the first few brackets (no parse, no allocation)', () => {
    const deep = '['.repeat(5 * 1024 * 1024) + ']'.repeat(5 * 1024 * 1024);
    const t0 = performance.now();
    expect(nestedDeeperThan(deep, 32)).toBe(true);
    const refusedMs = performance.now() - t0;
    // A flat body of the same size is scanned to its end: one linear pass.
    const flat = JSON.stringify({ prompt: 'x'.repeat(10 * 1024 * 1024) });
    const t1 = performance.now();
    expect(nestedDeeperThan(flat, 32)).toBe(false);
    console.log(
      `[front-door] depth scan: 10 MiB of nested arrays refused in ${refusedMs.toFixed(3)} ms; a flat 10 MiB body scanned in ${(performance.now() - t1).toFixed(1)} ms`,
    );
  });
});

describe('rate limiter (token bucket)', () => {
  it('lets a burst of the minute budget through, then answers how long until the next token', () => {
    let now = 0;
    const limiter = new RateLimiter({ now: () => now });
    for (let i = 0; i < 60; i++) expect(limiter.take('addr:a', 60)).toBe(0);
    expect(limiter.take('addr:a', 60)).toBe(1); // one a second refills
    // Other buckets are untouched.
    expect(limiter.take('addr:b', 60)).toBe(0);
    now += 1000;
    expect(limiter.take('addr:a', 60)).toBe(0);
    expect(limiter.take('addr:a', 60)).toBe(1);
    // 6 a minute: 10 s per token.
    for (let i = 0; i < 6; i++) limiter.take('key:k', 6);
    expect(limiter.take('key:k', 6)).toBe(10);
    now += 60_000;
    expect(limiter.take('key:k', 6)).toBe(0);
    // 0 = no limit.
    for (let i = 0; i < 1000; i++) expect(limiter.take('key:free', 0)).toBe(0);
  });

  it('keeps at most maxBuckets (least recently used forgotten first), so many addresses cannot grow it', () => {
    const limiter = new RateLimiter({ maxBuckets: 100 });
    for (let i = 0; i < 10_000; i++) limiter.take(`addr:${i}`, 10);
    expect(limiter.size).toBe(100);
  });
});

describe('the front door of the app', () => {
  const full = newApiKey('shop');
  const reader = newApiKey('reader', ['read']);
  const limited = newApiKey('limited', ['read']);
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    app = buildApi({
      client: untouchable,
      keys: () => [full.entry, reader.entry, limited.entry],
      privateUrls: parseAllowPrivate(undefined),
      rateLimitPerKey: 20,
      rateLimitPerAddress: 5,
      log: () => undefined,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(() => app.close());

  /** Sends the headers and only `sent` bytes of a declared `length`-byte body; resolves with the first response's head. */
  function partialPost(url: string, headers: Record<string, string>, length: number, sent: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        const head = [
          `POST ${url} HTTP/1.1`,
          'host: x',
          'content-type: application/json',
          `content-length: ${length}`,
          ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
        ].join('\r\n');
        socket.write(`${head}\r\n\r\n${'['.repeat(sent)}`);
      });
      let got = '';
      socket.on('data', (c: Buffer) => {
        got += c.toString();
        if (got.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(got);
        }
      });
      socket.on('error', reject);
      setTimeout(() => {
        socket.destroy();
        reject(new Error(`no answer while the body was incomplete: ${JSON.stringify(got)}`));
      }, 5000);
    });
  }

  it('answers 401 (connection: close) without waiting for the body: only 1 KiB of a declared 10 MiB was sent', async () => {
    const none = await partialPost('/v1/generations/img2video', {}, 10 * 1024 * 1024, 1024);
    expect(none).toMatch(/^HTTP\/1\.1 401/);
    expect(none).toMatch(/connection: close/i);
    const wrong = await partialPost('/v1/ad-films', { authorization: `Bearer ${full.key}x` }, 10 * 1024 * 1024, 1024);
    expect(wrong).toMatch(/^HTTP\/1\.1 401/);
    // A key without the scope is refused at the door too.
    const scope = await partialPost(
      '/v1/generations/img2video',
      { authorization: `Bearer ${reader.key}` },
      10 * 1024 * 1024,
      1024,
    );
    expect(scope).toMatch(/^HTTP\/1\.1 403/);
    // A body limit is also judged before reading: a declared length over the route's limit is 413 at once.
    const big = await partialPost(
      '/v1/ad-films/x/edits',
      { authorization: `Bearer ${full.key}` },
      API_LIMIT_DEFAULTS.jsonBodyLimit + 1,
      10,
    );
    expect(big).toMatch(/^HTTP\/1\.1 413/);
  });

  it('refuses a body nested deeper than 32 with 400 naming the rule, for a caller with a key', async () => {
    const deep = '['.repeat(2 * 1024 * 1024) + ']'.repeat(2 * 1024 * 1024);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/generations/img2video',
      headers: { authorization: `Bearer ${full.key}`, 'content-type': 'application/json' },
      payload: deep,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      status: 400,
      errors: [{ field: '(body)', message: 'must not nest deeper than 32 levels' }],
    });
    // 32 levels are fine (refused later, by the contract, as not an object).
    const ok = await app.inject({
      method: 'POST',
      url: '/v1/ad-films/x/edits',
      headers: { authorization: `Bearer ${full.key}`, 'content-type': 'application/json' },
      payload: '['.repeat(32) + ']'.repeat(32),
    });
    expect(ok.statusCode).not.toBe(400);
    // Prototype poisoning is still refused by fastify's parser behind the depth check.
    const poisoned = await app.inject({
      method: 'POST',
      url: '/v1/ad-films/x/edits',
      headers: { authorization: `Bearer ${full.key}`, 'content-type': 'application/json' },
      payload: '{"__proto__":{"x":1}}',
    });
    expect(poisoned.statusCode).toBe(400);
  });

  it('gives the larger body limit only to the routes that take media', async () => {
    const size = API_LIMIT_DEFAULTS.jsonBodyLimit + 1024;
    const body = JSON.stringify({
      request: { model: 'viduq2', images: ['https://cdn.example.com/a.png'], prompt: 'x'.repeat(size), duration: 5 },
    });
    const media = await app.inject({
      method: 'POST',
      url: '/v1/generations/img2video',
      headers: { authorization: `Bearer ${full.key}`, 'content-type': 'application/json' },
      payload: body,
    });
    expect(media.statusCode).toBe(422); // read and checked by the contract (the prompt is too long), not 413
    const edits = await app.inject({
      method: 'POST',
      url: '/v1/ad-films/x/edits',
      headers: { authorization: `Bearer ${full.key}`, 'content-type': 'application/json' },
      payload: body,
    });
    expect(edits.statusCode).toBe(413);
    expect(edits.json().detail).toBe(`the body is larger than ${API_LIMIT_DEFAULTS.jsonBodyLimit} bytes`);
  });

  it('fits the largest legitimate start without media (multiframe, 9 key frames, longest prompts and URLs) in the JSON limit', () => {
    const url = (i: number) => `https://cdn.example.com/${'p'.repeat(2000)}/${i}.png`;
    const prompt = '𝒱'.repeat(2000); // 4 bytes each in UTF-8
    const input = {
      request: {
        model: 'viduq2-pro',
        start_image: url(0),
        image_settings: Array.from({ length: 9 }, (_, i) => ({ key_image: url(i + 1), prompt, duration: 7 })),
        resolution: '1080p',
      },
      options: { waitMode: 'callback', priority: 'interactive' },
    };
    const issues = checkGenerationInput('multiframe', input);
    const bytes = Buffer.byteLength(
      JSON.stringify({
        ...input,
        notify: {
          url: 'https://hooks.example.com/' + 'h'.repeat(2000),
          events: ['generation.succeeded', 'generation.failed', 'generation.cancelled', 'generation.updated'],
        },
      }),
    );
    console.log(
      `[front-door] largest legitimate start without media: ${(bytes / 1024).toFixed(1)} KiB (valid: ${issues.length === 0}); JSON limit ${API_LIMIT_DEFAULTS.jsonBodyLimit / 1024} KiB`,
    );
    expect(issues).toEqual([]);
    expect(bytes).toBeLessThan(API_LIMIT_DEFAULTS.jsonBodyLimit / 2);
  });

  it('limits requests without a key per address, and each key on its own, with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    let refused: { headers: Record<string, unknown>; json: () => unknown } | undefined;
    for (let i = 0; i < 8; i++) {
      const res = await app.inject({ method: 'GET', url: '/v1/generations', remoteAddress: '203.0.113.7' });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) refused = res;
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    expect(Number(refused!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused!.json()).toMatchObject({ status: 429, type: '/docs#problem-rate-limited' });
    // Another address is not affected; nor is a caller with a key from the limited address.
    expect((await app.inject({ method: 'GET', url: '/v1/generations', remoteAddress: '203.0.113.8' })).statusCode).toBe(
      401,
    );
    const keyed: number[] = [];
    for (let i = 0; i < 22; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/generations/img2video',
        remoteAddress: '203.0.113.7',
        headers: { authorization: `Bearer ${limited.key}`, 'content-type': 'application/json' },
        payload: '{}',
      });
      keyed.push(res.statusCode);
      if (res.statusCode === 429) expect(res.headers['retry-after']).toBe('3'); // 20 a minute: one every 3 s
    }
    expect(keyed.filter((s) => s === 403)).toHaveLength(20);
    expect(keyed.slice(20)).toEqual([429, 429]);
    // The other key still has its whole budget.
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/generations/text2poem',
          headers: { authorization: `Bearer ${full.key}`, 'content-type': 'application/json' },
          payload: '{}',
        })
      ).statusCode,
    ).toBe(404);
    // Health and docs are open and never limited.
    for (let i = 0; i < 10; i++)
      expect((await app.inject({ method: 'GET', url: '/healthz', remoteAddress: '203.0.113.7' })).statusCode).toBe(200);
  });
});
