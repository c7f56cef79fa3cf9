// POST /v1/uploads/presign against a real S3 server (versitygw, test/helpers/s3.ts), issue 22
// item 2: the signed PUT stores exactly the declared bytes under the key's owner path (a wrong
// body, length or Content-Type is refused by the server), the staged: reference resolves through
// the S3 staging store the worker uses, and the worker's stage step still probes bytes that
// skipped the API's checks (non-media under an image/png name fails before any credit).
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ViduFlowClient } from '../../client';
import { parseAllowPrivate } from '../../platform/net/address-policy';
import { makeStageInputs } from '../../activities/stage';
import { parseS3Url } from '../../platform/stores/s3-location';
import { S3StagingStore } from '../../platform/stores/s3-staging-store';
import { newApiKey } from '../../platform/keys/api-keys';
import { buildApi } from '../../api/server';
import { uploadPresigner } from '../../api/uploads/presign-upload';
import { makePng } from '../helpers/media-fixtures';
import { startTestS3, type TestS3 } from '../helpers/s3';

const alice = newApiKey('alice');
const owner = `key-${(alice.entry as { id: string }).id}`;
let t: TestS3;
let tmp: string;
let app: FastifyInstance;
let worker: S3StagingStore;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  t = await startTestS3();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vidu-flow-presign-'));
  const env = { ...t.env, STAGING_URL: `s3://${t.bucket}/staging` };
  const untouched = new Proxy(
    {},
    {
      get: (_t, p) => {
        throw new Error(`the client was used (${String(p)})`);
      },
    },
  ) as ViduFlowClient;
  app = buildApi({
    client: untouched,
    keys: () => [alice.entry],
    privateUrls: parseAllowPrivate(undefined),
    uploadPresigner: uploadPresigner(env)!,
    log: () => undefined,
  });
  await app.ready();
  worker = new S3StagingStore(t.s3, parseS3Url(env.STAGING_URL, 'STAGING_URL'), path.join(tmp, 'worker-cache'));
}, 120_000);
afterAll(async () => {
  await app?.close();
  await t?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function presign(body: unknown) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/uploads/presign',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.key}` },
    payload: JSON.stringify(body),
  });
  return { status: res.statusCode, json: res.json() as Record<string, any> };
}

async function put(
  signed: { url: string; headers: Record<string, string> },
  body: Buffer,
  headers: Record<string, string> = {},
) {
  const { 'content-length': _length, ...rest } = signed.headers;
  return fetch(signed.url, { method: 'PUT', headers: { ...rest, ...headers }, body });
}

describe('presigned uploads (S3 staging)', () => {
  const png = makePng(640, 360);

  it("signs a PUT to the key's owner path; the right bytes are stored and resolve through the worker's store", async () => {
    const res = await presign({ contentType: 'image/png', bytes: png.length, sha256: sha(png) });
    expect(res.status).toBe(201);
    expect(res.json.ref).toBe(`staged:${owner}/${sha(png)}.png`);
    expect(new URL(res.json.url).pathname).toBe(`/${t.bucket}/staging/${owner}/${sha(png)}.png`);
    expect(Date.parse(res.json.expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60 * 1000);
    const ok = await put(res.json as never, png);
    expect(ok.status, await ok.text()).toBe(200);
    expect(await worker.get(res.json.ref)).toEqual(png);
  });

  it('refuses at S3 a body that is not the signed one: one byte changed, no checksum header, another Content-Type', async () => {
    const signed = await presign({ contentType: 'image/png', bytes: png.length, sha256: sha(png) });
    const altered = Buffer.from(png);
    altered[altered.length - 1] = altered[altered.length - 1]! ^ 1;
    const wrongBytes = await put(signed.json as never, altered);
    expect(wrongBytes.status).toBe(400);
    expect(await wrongBytes.text()).toMatch(/BadDigest/);
    const { 'x-amz-checksum-sha256': _sum, ...withoutSum } = signed.json.headers as Record<string, string>;
    const noChecksum = await put({ url: signed.json.url, headers: withoutSum }, png);
    expect(noChecksum.status).toBe(403);
    const wrongType = await put(signed.json as never, png, { 'content-type': 'image/jpeg' });
    expect(wrongType.status).toBe(403);
  });

  it('checks the declared type and size against the fields before signing', async () => {
    const text = await presign({ contentType: 'text/plain', bytes: 10, sha256: sha(png) });
    expect(text.status).toBe(422);
    expect(text.json.errors[0].field).toBe('contentType');
    const huge = await presign({ contentType: 'image/png', bytes: 51 * 1024 * 1024, sha256: sha(png) });
    expect(huge.status).toBe(422);
    expect(huge.json.errors[0].field).toBe('bytes');
  });

  it('POST /v1/uploads with S3 staging: the bytes land in the bucket under the owner, and a start may name them (a HEAD finds them)', async () => {
    const staging = new S3StagingStore(
      t.s3,
      parseS3Url(`s3://${t.bucket}/staging`, 'STAGING_URL'),
      path.join(tmp, 'api-cache'),
      { keepLocal: false },
    );
    const started: unknown[] = [];
    const client = {
      staging,
      start: async (_kind: string, input: unknown) => (started.push(input), { workflowId: 'img2video-s3' }),
    } as unknown as ViduFlowClient;
    const api = buildApi({
      client,
      keys: () => [alice.entry],
      privateUrls: parseAllowPrivate(undefined),
      log: () => undefined,
    });
    try {
      const still = makePng(320, 240, 'through the api');
      const up = await api.inject({
        method: 'POST',
        url: '/v1/uploads',
        headers: { 'content-type': 'image/png', authorization: `Bearer ${alice.key}` },
        payload: still,
      });
      expect(up.statusCode, up.body).toBe(201);
      const ref = (up.json() as { ref: string }).ref;
      expect(ref).toBe(`staged:${owner}/${sha(still)}.png`);
      expect(await worker.get(ref)).toEqual(still);
      const start = (image: string) =>
        api.inject({
          method: 'POST',
          url: '/v1/generations/img2video',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.key}` },
          payload: JSON.stringify({ request: { model: 'viduq2', images: [image], prompt: 'x', duration: 5 } }),
        });
      expect((await start(ref)).statusCode).toBe(201);
      const missing = await start(`staged:${owner}/${'0'.repeat(64)}.png`);
      expect(missing.statusCode).toBe(422);
      expect(started).toHaveLength(1);
    } finally {
      await api.close();
    }
  });

  it("non-media PUT under an image name still fails at the worker's stage step, before any credit", async () => {
    const junk = Buffer.from('DB_PASSWORD=hunter2\n'.repeat(50));
    const res = await presign({ contentType: 'image/png', bytes: junk.length, sha256: sha(junk) });
    expect((await put(res.json as never, junk)).status).toBe(200);
    const stage = makeStageInputs({ staging: worker, ownership: async () => ({ owner, callerText: true }) });
    const err = await stage({
      kind: 'img2video',
      workflowId: 'presigned-junk',
      request: { model: 'viduq2', images: [res.json.ref], prompt: 'x', duration: 5 },
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/images\[0\]: not a readable image/);
  });
});
