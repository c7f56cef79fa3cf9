// POST /v1/batches at the HTTP edge, without Temporal: every refusal happens before the client
// library is used (a client that throws on any use proves nothing was staged or started).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ViduFlowClient } from '../../client';
import { parseAllowPrivate } from '../../platform/net/address-policy';
import { newApiKey } from '../../platform/keys/api-keys';
import { buildApi } from '../../api/server';

const key = newApiKey('mallory');
const untouchable = new Proxy(
  {},
  {
    get: (_t, p) => {
      throw new Error(`the client was used (${String(p)}) for a request that should have been refused`);
    },
  },
) as ViduFlowClient;
let app: FastifyInstance;

beforeAll(async () => {
  // A small default body limit, as the rest of the API has: the batch route sets its own.
  app = buildApi({
    client: untouchable,
    keys: () => [key.entry],
    privateUrls: parseAllowPrivate(undefined),
    bodyLimit: 4096,
    log: () => undefined,
  });
  await app.ready();
});
afterAll(() => app.close());

async function post(body: unknown, auth = true) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/batches',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${key.key}` } : {}) },
    payload: JSON.stringify(body),
  });
  return {
    status: res.statusCode,
    text: res.body,
    json: res.json() as { errors?: Array<{ field: string; message: string }> },
  };
}

const good = {
  kind: 'img2video',
  request: { model: 'viduq2', images: ['https://cdn.example.com/a.png'], prompt: 'push in', duration: 5 },
};

describe('POST /v1/batches', () => {
  it('takes bodies over the default limit (its own limit), and checks every line before anything starts', async () => {
    const lines = Array.from({ length: 60 }, () => good);
    lines[41] = { ...good, request: { ...good.request, images: ['/home/alice/.ssh/id_rsa'] } };
    const res = await post({ lines });
    expect(JSON.stringify({ lines }).length).toBeGreaterThan(4096);
    expect(res.status).toBe(422);
    expect(res.json.errors).toEqual([
      {
        field: 'lines[41]',
        message: expect.stringMatching(/^line 42: request\.images\[0\]: must be an http\(s\) URL/),
      },
    ]);
    expect(res.text).not.toMatch(/id_rsa|alice/);
  });

  it('refuses source.path, notify, an empty or missing lines list, and unknown fields by name', async () => {
    const res = await post({ source: { path: '/etc/passwd' }, notify: { url: 'https://x.example' }, extra: 1 });
    expect(res.status).toBe(422);
    expect(res.json.errors?.map((e) => e.field).sort()).toEqual(['extra', 'lines', 'notify', 'source']);
    expect(res.text).not.toMatch(/passwd/);
    expect((await post({ lines: [] })).json.errors?.[0]?.field).toBe('lines');
    expect((await post({ lines: [good], options: { idempotencyKey: 'x' } })).json.errors?.[0]?.field).toBe(
      'options.idempotencyKey',
    );
  });

  it('answers 401 to a body without a key, before reading it', async () => {
    const res = await post({ lines: Array.from({ length: 200 }, () => good) }, false);
    expect(res.status).toBe(401);
  });
});
