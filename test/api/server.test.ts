import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ViduFlowClient } from '../../client';
import { parseAllowPrivate } from '../../platform/net/address-policy';
import { newApiKey } from '../../platform/keys/api-keys';
import { buildOpenApi } from '../../api/openapi';
import { contractErrors } from '../../api/routes/starts';
import { fieldErrors } from '../../api/problem';
import { buildApi } from '../../api/server';
import { GENERATION_KINDS } from '../../vidu/endpoints';

// The HTTP edge without Temporal: authentication, scopes and every body rejection happen before
// the client library is called, so a client that throws on any use proves nothing was started.

const full = newApiKey('shop');
const reader = newApiKey('reader', ['read']);
const unsigned = newApiKey('nosecret');
delete unsigned.entry.webhookSecret;
const untouchable = new Proxy(
  {},
  {
    get: (_t, p) => {
      throw new Error(`the client was used (${String(p)}) for a request that should have been refused`);
    },
  },
) as ViduFlowClient;
let app: FastifyInstance;
const lines: string[] = [];

beforeAll(async () => {
  app = buildApi({
    client: untouchable,
    keys: () => [full.entry, reader.entry, unsigned.entry],
    privateUrls: parseAllowPrivate(undefined),
    bodyLimit: 4096,
    log: (l) => lines.push(l),
  });
  await app.ready();
});
afterAll(() => app.close());

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const goodBody = {
  request: { model: 'viduq2', images: ['https://cdn.example.com/a.png'], prompt: 'push in', duration: 5 },
};

async function post(url: string, body: unknown, headers: Record<string, string> = auth(full.key)) {
  const res = await app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: res.statusCode,
    type: res.headers['content-type'],
    json: res.json() as {
      detail: string;
      errors?: Array<{ field: string; message: string }>;
      type: string;
      status: number;
    },
    headers: res.headers,
  };
}

describe('HTTP API edge', () => {
  it('answers 401 problem details without or with a wrong key, 403 without the scope', async () => {
    const none = await post('/v1/generations/img2video', goodBody, {});
    expect(none.status).toBe(401);
    expect(none.type).toMatch(/^application\/problem\+json/);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(none.json).toMatchObject({ status: 401, title: 'Unauthorized' });
    expect((await post('/v1/generations/img2video', goodBody, auth(`${full.key}x`))).status).toBe(401);
    const forbidden = await post('/v1/generations/img2video', goodBody, auth(reader.key));
    expect(forbidden.status).toBe(403);
    expect(forbidden.json.detail).toMatch(/"reader" lacks the scope "start"/);
    expect(
      (await app.inject({ method: 'POST', url: '/v1/generations/x/cancel', headers: auth(reader.key) })).statusCode,
    ).toBe(403);
  });

  it('names the field of every invalid input (422) and of an unknown kind (404)', async () => {
    const bad = await post('/v1/generations/img2video', {
      request: { ...goodBody.request, duration: 99 },
      options: { priority: 'urgent' },
      extra: 1,
    });
    expect(bad.status).toBe(422);
    expect(bad.json.errors?.map((e) => e.field)).toEqual(['extra']);
    const fields = (
      await post('/v1/generations/img2video', {
        request: { ...goodBody.request, duration: 99 },
        options: { priority: 'urgent' },
      })
    ).json.errors?.map((e) => e.field);
    expect(fields).toContain('request.duration');
    expect(fields).toContain('options.priority');
    const kind = await post('/v1/generations/text2poem', goodBody);
    expect(kind.status).toBe(404);
    expect(kind.json.errors).toEqual([expect.objectContaining({ field: 'kind' })]);
  });

  it('refuses local paths as media over HTTP, and notify URLs that are private or cannot be signed', async () => {
    const local = await post('/v1/generations/img2video', {
      request: { ...goodBody.request, images: ['/etc/passwd'] },
    });
    expect(local.status).toBe(422);
    expect(local.json.errors).toEqual([expect.objectContaining({ field: 'request.images[0]' })]);
    const priv = await post('/v1/generations/img2video', {
      ...goodBody,
      notify: { url: 'http://169.254.169.254/latest' },
    });
    expect(priv.json.errors).toEqual([expect.objectContaining({ field: 'notify.url' })]);
    const badEvents = await post('/v1/generations/img2video', {
      ...goodBody,
      notify: { url: 'https://hooks.example.com/x', events: ['generation.exploded'] },
    });
    expect(badEvents.json.errors?.[0]?.field).toMatch(/^notify\.events\[0\]/);
    const noSecret = await post(
      '/v1/generations/img2video',
      { ...goodBody, notify: { url: 'https://hooks.example.com/x' } },
      auth(unsigned.key),
    );
    expect(noSecret.status).toBe(422);
    expect(noSecret.json.errors).toEqual([
      expect.objectContaining({ field: 'notify', message: expect.stringMatching(/no webhookSecret/) }),
    ]);
  });

  it('answers 400 for bad JSON or a bad Idempotency-Key, 413 for an oversized body, 415 for other media types', async () => {
    const broken = await post('/v1/generations/img2video', '{"request":');
    expect(broken.status).toBe(400);
    expect(broken.json.errors?.[0]?.field).toBe('(body)');
    const idem = await post('/v1/generations/img2video', goodBody, { ...auth(full.key), 'idempotency-key': 'a b' });
    expect(idem.status).toBe(400);
    expect(idem.json.errors?.[0]?.field).toBe('Idempotency-Key');
    const big = await post('/v1/generations/img2video', { request: { ...goodBody.request, prompt: 'x'.repeat(5000) } });
    expect(big.status).toBe(413);
    expect(big.type).toMatch(/problem\+json/);
    const text = await app.inject({
      method: 'POST',
      url: '/v1/ad-films',
      headers: { ...auth(full.key), 'content-type': 'text/plain' },
      payload: 'hi',
    });
    expect(text.statusCode).toBe(415);
    expect(text.headers['content-type']).toMatch(/problem\+json/);
  });

  it('validates AD-film edits and batch bodies with the contract, naming the field', async () => {
    const edits = await post('/v1/ad-films/adFilm-x/edits', { edits: [{ type: 'video', storyboard: -1, prompt: '' }] });
    expect(edits.status).toBe(422);
    expect(edits.json.errors?.map((e) => e.field)).toEqual(
      expect.arrayContaining(['edits[0].storyboard', 'edits[0].prompt']),
    );
    // Batches over HTTP take their lines in the request (test/api/batches.test.ts has the rest).
    const batch = await post('/v1/batches', { source: { path: '/data/lines.jsonl' }, window: 0 });
    expect(batch.status).toBe(422);
    expect(batch.json.errors?.map((e) => e.field)).toEqual(expect.arrayContaining(['source', 'lines', 'window']));
    // Batches send no webhooks: `notify` is refused by name, not dropped.
    const notify = await post('/v1/batches', {
      lines: [{ kind: 'img2video', request: goodBody.request }],
      notify: { url: 'https://hooks.example.com/x' },
    });
    expect(notify.status).toBe(422);
    expect(notify.type).toMatch(/^application\/problem\+json/);
    expect(notify.json.errors).toEqual([
      expect.objectContaining({ field: 'notify', message: expect.stringMatching(/batches send no webhooks/) }),
    ]);
    const list = await app.inject({ method: 'GET', url: '/v1/generations?state=dancing', headers: auth(full.key) });
    expect(list.statusCode).toBe(400);
    expect(list.json().errors[0].field).toBe('state');
  });

  it('maps contract lines to fields', () => {
    expect(
      contractErrors([
        'duration: must be 4',
        'options.poll.factor: too big',
        'images[0]: bad',
        'edits[1].prompt: empty',
      ]),
    ).toEqual([
      { field: 'request.duration', message: 'must be 4' },
      { field: 'options.poll.factor', message: 'too big' },
      { field: 'request.images[0]', message: 'bad' },
      { field: 'edits[1].prompt', message: 'empty' },
    ]);
    expect(fieldErrors(['[0].type: bad'], 'edits')).toEqual([{ field: 'edits[0].type', message: 'bad' }]);
  });

  it('never logs a key or a header: one line per request with the caller name', () => {
    const all = lines.join('\n');
    expect(all).not.toContain(full.key);
    expect(all).not.toContain(full.entry.webhookSecret!);
    expect(all).toMatch(/POST \/v1\/generations\/img2video 422 shop/);
  });
});

describe('OpenAPI document and /docs', () => {
  const doc = buildOpenApi() as {
    openapi: string;
    paths: Record<string, Record<string, Record<string, unknown>>>;
    components: Record<string, Record<string, unknown>>;
  };
  const resolve = (r: string) =>
    r
      .split('/')
      .slice(1)
      .reduce<unknown>((cur, k) => (cur as Record<string, unknown>)?.[k], doc);

  it('is OpenAPI 3.1 whose every $ref resolves and every operation has schemas for its body and responses', () => {
    expect(doc.openapi).toBe('3.1.0');
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(20);
    for (const r of new Set(refs)) expect(resolve(r), r).toBeDefined();
    let operations = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        operations++;
        expect(op.operationId, `${method} ${path}`).toBeTruthy();
        const body = op.requestBody as { content: Record<string, { schema: unknown }> } | undefined;
        // /v1/uploads takes raw media bytes (api/routes/uploads.ts), every other POST a JSON body.
        if (path === '/v1/uploads') expect(body?.content['image/png']?.schema, `${method} ${path} body`).toBeDefined();
        else if (method === 'post' && !/cancel|approve/.test(path))
          expect(body?.content['application/json']?.schema, `${method} ${path} body`).toBeDefined();
        for (const [code, res] of Object.entries(
          op.responses as Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }>,
        )) {
          const r = (res.$ref ? resolve(res.$ref) : res) as { content?: Record<string, { schema?: unknown }> };
          const schema = Object.values(r.content ?? {})[0]?.schema;
          expect(schema, `${method} ${path} ${code}`).toBeDefined();
        }
      }
    }
    // 9 routes besides the starts, plus POST /v1/uploads and /v1/uploads/presign (issue 22 item 2).
    // Starts and estimates per kind, plus the AD-film, music-video and batch estimates; GET
    // /v1/budgets (issue 19 §2); POST /v1/music-videos.
    // The subject library: POST and GET /v1/subjects, GET, PATCH, PUT and DELETE /v1/subjects/{id}.
    expect(operations).toBe(16 + 6 + 2 * GENERATION_KINDS.length);
    // Request schemas are the contract's: the duration matrix is there, and so is notify.
    const img = doc.components.schemas!.img2videoInput as {
      properties: Record<string, unknown>;
      additionalProperties: boolean;
    };
    expect(Object.keys(img.properties)).toEqual(['request', 'options', 'notify']);
    expect(img.additionalProperties).toBe(false);
  });

  it('validates with @apidevtools/swagger-parser (OpenAPI 3.1 schema, every $ref dereferenced), which does refuse a broken copy', async () => {
    const api = (await SwaggerParser.validate(structuredClone(doc) as never)) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(api.openapi).toBe('3.1.0');
    expect(Object.keys(api.paths)).toHaveLength(Object.keys(doc.paths).length);
    const broken = structuredClone(doc);
    (broken.paths['/v1/generations/{id}']!.get!.parameters as Array<Record<string, unknown>>)[0]!.in = 'body';
    await expect(SwaggerParser.validate(broken as never)).rejects.toThrow();
    const dangling = structuredClone(doc);
    (dangling.components.schemas as Record<string, unknown>).Notify = { $ref: '#/components/schemas/Nowhere' };
    await expect(SwaggerParser.validate(dangling as never)).rejects.toThrow(/Nowhere/);
  });

  it('routes every operation it lists (none answers 404), and /docs needs nothing from outside', async () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) {
        const res = await app.inject({
          method: method.toUpperCase() as 'GET',
          url: path.replace('{id}', 'x'),
          headers: { 'content-type': 'application/json' },
          payload: method === 'get' ? undefined : '{}',
        });
        expect(res.statusCode, `${method} ${path}`).toBe(401);
      }
    }
    // A path it does not serve: a problem of type no-route, unlike an unknown generation's not-found.
    const missing = await app.inject({ method: 'GET', url: '/v1/nothing', headers: auth(full.key) });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ type: '/docs#problem-no-route', detail: 'no route GET /v1/nothing' });
    const served = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(served.json()).toEqual(JSON.parse(JSON.stringify(doc)));
    const page = await app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('/v1/generations/{id}/events');
    expect(page.body).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
  });
});
