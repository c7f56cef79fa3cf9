// POST /v1/uploads at the HTTP edge (issue 22 item 2), in-process with a real staging store in a
// temporary folder. The client here only carries that store and records starts: Temporal is not
// involved in any of these answers (the e2e test test/e2e/uploads.test.ts runs the real processes).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ViduFlowClient } from '../../client';
import { parseAllowPrivate } from '../../platform/net/address-policy';
import { StagingStore } from '../../platform/stores/staging-store';
import { newApiKey } from '../../platform/keys/api-keys';
import { buildApi } from '../../api/server';
import { makeJpeg, makePng } from '../helpers/media-fixtures';

const alice = newApiKey('alice');
const mallory = newApiKey('mallory');
const idOf = (k: typeof alice) => (k.entry as { id: string }).id;
let dir: string;
let store: StagingStore;
let app: FastifyInstance;
const starts: Array<{ kind: string; input: unknown }> = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-uploads-'));
  store = new StagingStore(dir);
  const client = {
    staging: store,
    start: async (kind: string, input: unknown) => {
      starts.push({ kind, input });
      return { workflowId: `img2video-${starts.length}` };
    },
  } as unknown as ViduFlowClient;
  // A 1 MiB upload limit, so "over the limit" needs no large body.
  app = buildApi({
    client,
    keys: () => [alice.entry, mallory.entry],
    privateUrls: parseAllowPrivate(undefined),
    uploadBodyLimit: 1024 * 1024,
    stagingTtlDays: 7,
    log: () => undefined,
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

async function stored(): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

async function upload(body: Buffer, contentType: string, key: string | null = alice.key, query = '') {
  const res = await app.inject({
    method: 'POST',
    url: `/v1/uploads${query}`,
    headers: { 'content-type': contentType, ...(key ? { authorization: `Bearer ${key}` } : {}) },
    payload: body,
  });
  return { status: res.statusCode, type: res.headers['content-type'], json: res.json() as Record<string, any> };
}

async function startWith(key: string, ref: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/generations/img2video',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    payload: JSON.stringify({ request: { model: 'viduq2', images: [ref], prompt: 'push in', duration: 5 } }),
  });
  return { status: res.statusCode, json: res.json() as Record<string, any> };
}

const png = makePng(640, 360);
const sha = createHash('sha256').update(png).digest('hex');

describe('POST /v1/uploads', () => {
  it('answers 401 without a key, before reading the body, and stores nothing', async () => {
    const res = await upload(png, 'image/png', null);
    expect(res.status).toBe(401);
    expect(res.json.type).toMatch(/unauthorized$/);
    expect(await stored()).toEqual([]);
  });

  it('sits behind the front door like every route (its own parser is encapsulated): the per-address limit answers 429 without a key', async () => {
    // Only the door (api/front-door.ts onRequest) counts requests per address; a route it missed would answer 401 forever.
    const door = buildApi({
      client: {} as ViduFlowClient,
      keys: () => [alice.entry],
      privateUrls: parseAllowPrivate(undefined),
      rateLimitPerAddress: 2,
      log: () => undefined,
    });
    const codes: number[] = [];
    for (let i = 0; i < 3; i++)
      codes.push(
        (
          await door.inject({
            method: 'POST',
            url: '/v1/uploads',
            headers: { 'content-type': 'image/png' },
            payload: png,
          })
        ).statusCode,
      );
    await door.close();
    expect(codes).toEqual([401, 401, 429]);
  });

  it("stores a PNG under the key's owner and answers 201 with its staged: reference", async () => {
    const before = Date.now();
    const res = await upload(png, 'image/png');
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      ref: `staged:key-${idOf(alice)}/${sha}.png`,
      bytes: png.length,
      sha256: sha,
      contentType: 'image/png',
      width: 640,
      height: 360,
    });
    const expires = Date.parse(res.json.expiresAt);
    expect(expires - before).toBeGreaterThanOrEqual(7 * 86_400_000);
    expect(await stored()).toEqual([`key-${idOf(alice)}/${sha}.png`]);
  });

  it('refuses bytes that are not media, a Content-Type the bytes are not, an unsupported type and an empty body; nothing stored', async () => {
    const before = await stored();
    const env = Buffer.from('DB_PASSWORD=hunter2\n'.repeat(100));
    const notMedia = await upload(env, 'image/png');
    expect(notMedia.status).toBe(422);
    expect(notMedia.type).toMatch(/^application\/problem\+json/);
    expect(notMedia.json.type).toMatch(/not-media$/);
    expect(JSON.stringify(notMedia.json)).not.toMatch(/hunter2/);
    const mismatch = await upload(makeJpeg(320, 320), 'image/png');
    expect(mismatch.status).toBe(422);
    expect(mismatch.json.type).toMatch(/content-type-mismatch$/);
    expect(mismatch.json.detail).toMatch(/jpeg/);
    const unsupported = await upload(png, 'application/octet-stream');
    expect(unsupported.status).toBe(415);
    expect(unsupported.json.errors[0]).toMatchObject({
      field: 'Content-Type',
      message: expect.stringContaining('image/png'),
    });
    const empty = await upload(Buffer.alloc(0), 'image/png');
    expect(empty.status).toBe(400);
    expect(empty.json.type).toMatch(/empty-body$/);
    expect(await stored()).toEqual(before);
  });

  it("runs a field's pixel rules with ?kind=&field= (reference2image images need 128 px a side)", async () => {
    const before = await stored();
    const tiny = makePng(100, 100);
    expect((await upload(tiny, 'image/png', alice.key, '?kind=img2video&field=images')).status).toBe(201);
    const refused = await upload(makePng(100, 101), 'image/png', alice.key, '?kind=reference2image&field=images');
    expect(refused.status).toBe(422);
    expect(refused.json.type).toMatch(/media-refused$/);
    expect(refused.json.errors[0].message).toMatch(/128/);
    const badField = await upload(tiny, 'image/png', alice.key, '?kind=img2video&field=nope');
    expect(badField.status).toBe(400);
    expect(await stored()).toHaveLength(before.length + 1);
  });

  it('answers 413 over the limit (by Content-Length, before reading), nothing stored', async () => {
    const before = await stored();
    const big = Buffer.concat([png, Buffer.alloc(1024 * 1024)]);
    const res = await upload(big, 'image/png');
    expect(res.status).toBe(413);
    expect(res.json.detail).toMatch(/1048576 bytes/);
    expect(await stored()).toEqual(before);
  });

  it('cuts a chunked body (no Content-Length) at the limit while it streams: 413, nothing stored, no temporary file left', async () => {
    const before = await stored();
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    // 8 chunks of 256 KiB after the PNG: 2 MiB in all, against the 1 MiB limit.
    const chunks = [png, ...Array.from({ length: 8 }, () => Buffer.alloc(256 * 1024))];
    const body = new ReadableStream({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const res = await fetch(`${url}/v1/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', authorization: `Bearer ${alice.key}` },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/1048576 bytes/);
    expect(await stored()).toEqual(before);
  });
});

describe('staged: references in a start over HTTP', () => {
  it('accepts the caller’s own upload', async () => {
    const res = await startWith(alice.key, `staged:key-${idOf(alice)}/${sha}.png`);
    expect(res.status).toBe(201);
    expect(starts.at(-1)).toMatchObject({
      kind: 'img2video',
      input: { request: { images: [`staged:key-${idOf(alice)}/${sha}.png`] } },
    });
  });

  it("refuses another key's upload exactly like an upload that does not exist", async () => {
    const count = starts.length;
    const theirs = await startWith(mallory.key, `staged:key-${idOf(alice)}/${sha}.png`);
    const missing = await startWith(mallory.key, `staged:key-${idOf(mallory)}/${'0'.repeat(64)}.png`);
    const operators = await startWith(mallory.key, `staged:operator/${sha}.png`);
    const legacy = await startWith(mallory.key, `staged:${sha}.png`);
    for (const res of [theirs, missing, operators, legacy]) {
      expect(res.status).toBe(422);
      expect(res.json).toEqual(theirs.json);
    }
    expect(theirs.json.errors).toEqual([
      { field: 'request.images[0]', message: expect.stringMatching(/^no upload of yours has this reference/) },
    ]);
    expect(starts.length).toBe(count);
  });
});
