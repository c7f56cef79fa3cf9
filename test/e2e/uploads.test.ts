// Issue 22 item 2 end to end, against the real processes (simulator, receiver, worker, API;
// dev/stack.ts): alice uploads a PNG with POST /v1/uploads, starts img2video over HTTP with the
// `staged:` reference it answered, and the generation succeeds; mallory cannot use alice's
// reference (the same answer as one that does not exist) and no Vidu request is made for him.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKey } from '../../platform/keys/api-keys';
import type { Stack } from '../../dev/stack';
import { renderPng } from '../../sim/media/render';
import { until } from '../helpers/e2e';
import { SimAdmin } from '../../sim/admin-client';
import { startTenantStack } from '../helpers/tenant-stack';

const alice = newApiKey('alice');
const mallory = newApiKey('mallory');
const idOf = (k: typeof alice) => (k.entry as { id: string }).id;
let stack: Stack;
let api: string;
let dir: string;
let sim: SimAdmin;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-uploads-'));
  stack = await startTenantStack(dir, [alice.entry, mallory.entry], 'e2e-uploads');
  api = stack.apiUrl!;
  sim = new SimAdmin(stack.simUrl);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

async function call(
  method: string,
  url: string,
  key: string,
  body?: Buffer | unknown,
  contentType = 'application/json',
) {
  const raw = Buffer.isBuffer(body);
  const res = await fetch(`${api}${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
    ...(body !== undefined ? { body: raw ? (body as Buffer) : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? (JSON.parse(text) as Record<string, any>) : {} };
}

const png = renderPng('uploaded still', { width: 640, height: 360 });
const sha = createHash('sha256').update(png).digest('hex');
const request = (ref: string) => ({
  model: 'viduq2',
  images: [ref],
  prompt: 'the uploaded still moves',
  duration: 5,
  resolution: '720p',
});

describe('an uploaded input, used by its key and by no other (processes)', () => {
  let ref: string;

  it('alice uploads a PNG: 201 with a staged: reference under her key, the bytes in the staging store', async () => {
    const res = await call('POST', '/v1/uploads?kind=img2video&field=images', alice.key, png, 'image/png');
    expect(res.status, res.text).toBe(201);
    ref = res.json.ref;
    expect(ref).toBe(`staged:key-${idOf(alice)}/${sha}.png`);
    expect(res.json).toMatchObject({ bytes: png.length, sha256: sha, contentType: 'image/png' });
    const files = await readdir(path.join(dir, 'staging', `key-${idOf(alice)}`));
    expect(files).toContain(`${sha}.png`);
  });

  it('alice starts img2video over HTTP with the reference, and the generation succeeds', async () => {
    const started = await call('POST', '/v1/generations/img2video', alice.key, { request: request(ref) });
    expect(started.status, started.text).toBe(201);
    const done = await until(
      () => call('GET', `/v1/generations/${encodeURIComponent(started.json.id)}`, alice.key),
      (r) => r.status === 200 && r.json.execution !== 'running',
      'the generation to close',
      90_000,
    );
    expect(done.json.execution, done.text).toBe('succeeded');
    expect(done.json.result.creations.length).toBeGreaterThan(0);
  });

  it("mallory cannot use alice's reference: the same 422 as a reference that does not exist, and Vidu sees nothing", async () => {
    const before = (await sim.requests()).length;
    const theirs = await call('POST', '/v1/generations/img2video', mallory.key, { request: request(ref) });
    const missing = await call('POST', '/v1/generations/img2video', mallory.key, {
      request: request(`staged:key-${idOf(mallory)}/${sha}.png`),
    });
    expect(theirs.status).toBe(422);
    expect(missing.status).toBe(422);
    expect(theirs.json).toEqual(missing.json);
    expect(theirs.json.errors).toEqual([
      { field: 'request.images[0]', message: expect.stringMatching(/^no upload of yours/) },
    ]);
    expect(theirs.text).not.toContain(idOf(alice));
    expect((await sim.requests()).length).toBe(before);
  });
});
