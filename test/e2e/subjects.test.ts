// The subject library end to end (issue 20 §3) against the real processes (simulator, receiver,
// worker, API; dev/stack.ts): alice creates a subject over HTTP (one paid create, also when the
// request is repeated), uses its server_id in a reference2video that is archived; mallory naming
// it is refused over HTTP and, started past the API with the client library, at the worker's stage
// step: in both cases with 0 Vidu requests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ViduFlowClient } from '../../client';
import { ViduCaller } from '../../core/search-attributes';
import type { Stack } from '../../dev/stack';
import { newApiKey } from '../../platform/keys/api-keys';
import { SimAdmin } from '../../sim/admin-client';
import { apiCall } from '../helpers/api-call';
import { failureOf, until } from '../helpers/e2e';
import { makePng, toDataUri } from '../helpers/media-fixtures';
import { temporalServer } from '../helpers/temporal';
import { startTenantStack } from '../helpers/tenant-stack';

const alice = newApiKey('alice');
const mallory = newApiKey('mallory');
let stack: Stack;
let dir: string;
let sim: SimAdmin;
let client: ViduFlowClient;
let serverId: string;
const t0 = Date.now();

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-subjects-'));
  stack = await startTenantStack(dir, [alice.entry, mallory.entry], 'e2e-subjects');
  sim = new SimAdmin(stack.simUrl);
  client = await ViduFlowClient.connect({
    ...temporalServer(),
    taskQueue: stack.env.VIDU_TASK_QUEUE!,
    stagingDir: path.join(dir, 'staging'),
  });
}, 180_000);

afterAll(async () => {
  await client?.temporal.connection.close();
  await stack?.stop();
  console.log(`[subjects] whole file in ${Date.now() - t0} ms`);
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

const call = (method: string, url: string, key: string, body?: unknown, headers: Record<string, string> = {}) =>
  apiCall(stack.apiUrl!, method, url, key, body, headers);
const counts = async () => {
  const { requestsByEndpoint } = await sim.stats();
  return { subjects: requestsByEndpoint.subjects ?? 0, reference2video: requestsByEndpoint.reference2video ?? 0 };
};
const useSubject = (id: string) => ({
  request: { model: 'viduq2', subjects: [{ name: '1', server_id: id }], prompt: '[@1] walks in the rain', duration: 5 },
});

describe('subjects end to end', () => {
  it('alice creates a subject once per Idempotency-Key and uses it in a reference2video that is archived', async () => {
    const body = { name: 'hero', images: [toDataUri(makePng(320, 320, 'hero'), 'image/png')] };
    const started = Date.now();
    const created = await call('POST', '/v1/subjects', alice.key, body, { 'idempotency-key': 'hero' });
    expect(created.status).toBe(201);
    console.log(`[subjects] create over HTTP in ${Date.now() - started} ms`);
    serverId = created.json.id;
    expect(created.json).toMatchObject({ name: 'hero', credits: 5, owner: `key-${alice.entry.id}` });
    const again = await call('POST', '/v1/subjects', alice.key, body, { 'idempotency-key': 'hero' });
    expect(again.json.id).toBe(serverId);
    expect((await sim.requests()).filter((r) => r.path === '/ent/v2/subjects' && r.method === 'POST')).toHaveLength(1);

    const start = await call('POST', '/v1/generations/reference2video', alice.key, useSubject(serverId));
    expect(start.status).toBe(201);
    const done = await until(
      () => call('GET', `/v1/generations/${encodeURIComponent(start.json.id)}`, alice.key),
      (r) => r.status === 200 && r.json.execution !== 'running',
      'the reference2video to close',
      60_000,
    );
    expect(done.json.execution).toBe('succeeded');
    expect(done.json.result.archive.files.length).toBeGreaterThan(0);
    const sent = (await sim.requests()).find((r) => r.path === '/ent/v2/reference2video');
    expect((sent?.body as { subjects: unknown[] }).subjects).toEqual([{ name: '1', server_id: serverId }]);
  });

  it("mallory naming alice's server_id is refused over HTTP and at the worker, with 0 Vidu requests", async () => {
    const before = await counts();
    const refused = await call('POST', '/v1/generations/reference2video', mallory.key, useSubject(serverId));
    expect(refused.status).toBe(422);
    expect(refused.json.errors).toEqual([expect.objectContaining({ field: 'request.subjects[0].server_id' })]);
    expect((await call('GET', `/v1/subjects/${serverId}`, mallory.key)).status).toBe(404);
    // Past the API (the client library with mallory's ViduCaller): the stage step refuses it.
    const handle = await client.start('reference2video', useSubject(serverId), {
      searchAttributes: [{ key: ViduCaller, value: mallory.entry.id }],
    });
    const failure = (await failureOf(handle)) as Error;
    const text =
      JSON.stringify(failure, Object.getOwnPropertyNames(failure)) + String((failure as { cause?: unknown }).cause);
    expect(text).toMatch(/subjects\[0\]\.server_id: no subject/);
    expect(await counts()).toEqual(before);
  });
});
