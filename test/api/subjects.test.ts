// The subject library at the HTTP edge with two keys, over the real routes, the real typed-client
// validation and the real worker activities (activities/subjects.ts) against an in-process
// simulator and a real local archive store; only Temporal is left out (the runner calls the
// activities where the client would start a workflow, with the owner the caller's ViduCaller gives).
// Proves: mallory cannot list, get, edit or use alice's subject, and every one of those answers is
// the one an unknown id gets; nothing of mallory's reaches Vidu; a create is paid once, also when the
// worker crashed between Vidu's answer and the record; scopes; no delete.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApi } from '../../api/server';
import { makeSubjectActivities, serverIdIssues, subjectRecordKey } from '../../activities/subjects';
import { InvalidGenerationInput, SubjectLibrary, type SubjectRunner, type ViduFlowClient } from '../../client';
import { ownerOfStart } from '../../client/input-staging';
import { newApiKey } from '../../platform/keys/api-keys';
import { parseAllowPrivate } from '../../platform/net/address-policy';
import { LocalArchiveStore } from '../../platform/stores/local-archive-store';
import { StagingStore } from '../../platform/stores/staging-store';
import type { RunningSim } from '../../sim';
import { ViduClient } from '../../vidu/client';
import { API_KEY, pngUri, startTestSim } from '../sim/helpers';

const alice = newApiKey('alice');
const mallory = newApiKey('mallory');
const reader = newApiKey('reader', ['read']);
const dir = mkdtempSync(path.join(tmpdir(), 'vidu-flow-subjects-'));
const archive = new LocalArchiveStore(path.join(dir, 'archive'));
const staging = new StagingStore(path.join(dir, 'staging'));
let sim: RunningSim;
let vidu: ViduClient;
let app: FastifyInstance;

function activitiesFor(owner: string, workflowId = 'subjectRead-test', attempt = 1) {
  return makeSubjectActivities({
    vidu,
    archive,
    staging,
    ownership: async () => ({ owner, callerText: true }),
    workflowId: () => workflowId,
    attempt: () => attempt,
  });
}

const runner: SubjectRunner = {
  create: (workflowId, _keyed, input, opts) =>
    activitiesFor(ownerOfStart(opts.searchAttributes), workflowId).createSubject(input),
  read: (input, opts) => activitiesFor(ownerOfStart(opts.searchAttributes)).readSubjects(input),
  edit: (input, opts) => activitiesFor(ownerOfStart(opts.searchAttributes)).editSubject(input),
};

beforeAll(async () => {
  sim = await startTestSim();
  vidu = new ViduClient({ baseUrl: sim.url, apiKey: API_KEY, getRetries: 0 });
  const client = { subjects: new SubjectLibrary(runner, staging), staging } as unknown as ViduFlowClient;
  app = buildApi({
    client,
    keys: () => [alice.entry, mallory.entry, reader.entry],
    privateUrls: parseAllowPrivate(undefined),
    log: () => undefined,
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await sim.close();
});
beforeEach(() => sim.reset());

async function call(method: string, url: string, key: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await app.inject({
    method: method as 'GET',
    url,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
  return { status: res.statusCode, json: res.json() as Record<string, any>, headers: res.headers };
}

/** Every file below `root`, as relative paths (none when it does not exist yet). */
const filesUnder = (root: string): string[] => {
  try {
    return (readdirSync(root, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
      .filter((e) => e.isFile())
      .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
      .sort();
  } catch {
    return [];
  }
};
const viduRequests = () => sim.context.store.requestLog.filter((r) => r.path.startsWith('/ent/v2/subjects')).length;
const createHero = async (key = alice.key, headers: Record<string, string> = {}) =>
  call('POST', '/v1/subjects', key, { name: 'hero', images: [pngUri()] }, headers);

describe('/v1/subjects with two keys', () => {
  it('creates a subject owned by the key, paid once per Idempotency-Key, shown without the name marker', async () => {
    const before = sim.context.ledger.balance;
    const first = await createHero(alice.key, { 'idempotency-key': 'hero-1' });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ name: 'hero', owner: `key-${alice.entry.id}`, credits: 5 });
    expect(first.headers.location).toBe(`/v1/subjects/${first.json.id}`);
    const again = await createHero(alice.key, { 'idempotency-key': 'hero-1' });
    expect(again.json.id).toBe(first.json.id);
    expect(before - sim.context.ledger.balance).toBe(5);
    // Vidu's copy carries the marker; vidu-flow shows the caller's name.
    expect(sim.context.store.subjects.get(first.json.id)?.name).toMatch(/^hero ~vf[0-9a-f]{10}$/);
    expect(await archive.exists(subjectRecordKey(`key-${alice.entry.id}`, first.json.id)!)).toBe(true);
  });

  it('mallory cannot list, get, edit or use alice’s subject: the answers of an unknown id, and no Vidu request', async () => {
    const { json: hero } = await createHero();
    const unknownId = '900000000000000001';
    const seen = viduRequests();

    const list = await call('GET', '/v1/subjects', mallory.key);
    expect(list.status).toBe(200);
    expect(list.json.subjects).toEqual([]);

    for (const id of [hero.id, unknownId]) {
      const get = await call('GET', `/v1/subjects/${id}`, mallory.key);
      expect(get.status).toBe(404);
      expect(get.json.detail).toBe(`no subject "${id}" for this API key`);
      const edit = await call('PATCH', `/v1/subjects/${id}`, mallory.key, { name: 'stolen' });
      expect(edit.status).toBe(404);
      expect(edit.json.detail).toBe(`no subject "${id}" for this API key`);
      const use = await call('POST', '/v1/generations/reference2video', mallory.key, {
        request: { model: 'viduq2', subjects: [{ name: '1', server_id: id }], prompt: '[@1] waves', duration: 5 },
      });
      expect(use.status).toBe(422);
      expect(use.json.errors).toEqual([
        {
          field: 'request.subjects[0].server_id',
          message: `no subject "${id}" of yours; create one first (POST /v1/subjects)`,
        },
      ]);
    }
    // The list is read from Vidu (it holds every key's subjects); mallory's gets, edits and uses none.
    expect(viduRequests() - seen).toBe(1);
    expect(sim.context.store.subjects.get(hero.id)?.name).toMatch(/^hero /);

    // Alice still sees, gets and edits it.
    const mine = await call('GET', '/v1/subjects', alice.key);
    expect(mine.json.subjects.map((s: { id: string }) => s.id)).toEqual([hero.id]);
    const edited = await call('PATCH', `/v1/subjects/${hero.id}`, alice.key, { name: 'heroine', style: 'noir' });
    expect(edited.status).toBe(200);
    expect(edited.json).toMatchObject({ id: hero.id, name: 'heroine', style: 'noir' });
    expect((await call('GET', `/v1/subjects/${hero.id}`, alice.key)).json.name).toBe('heroine');
  });

  it('checks bodies and scopes before anything is paid, and has no delete', async () => {
    const before = sim.context.ledger.balance;
    const bad = await call('POST', '/v1/subjects', alice.key, {
      name: '',
      images: [pngUri(), pngUri(), pngUri(), pngUri()],
      colour: 'red',
    });
    expect(bad.status).toBe(422);
    expect(bad.json.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body', 'images', 'name']);
    expect((await call('POST', '/v1/subjects', reader.key, { name: 'x', images: [pngUri()] })).status).toBe(403);
    expect((await call('GET', '/v1/subjects', reader.key)).status).toBe(200);
    expect((await call('PATCH', '/v1/subjects/1', alice.key, {})).status).toBe(422);
    const del = await call('DELETE', '/v1/subjects/1', alice.key);
    expect(del.status).toBe(405);
    expect(del.json.detail).toMatch(/Vidu documents no way to delete a subject/);
    expect(del.headers.allow).toBe('GET, PATCH, PUT');
    expect((await call('GET', '/v1/subjects/..%2F..%2Fetc', alice.key)).status).toBe(404);
    expect(sim.context.ledger.balance).toBe(before);
  });
});

describe('a subject’s media from a key', () => {
  it('stores none of a key’s bytes that are not media: a large data: URI of text labelled image/png is refused, naming it', async () => {
    const before = { balance: sim.context.ledger.balance, files: filesUnder(path.join(dir, 'staging')) };
    const text = Buffer.alloc(300 * 1024, 'DB_PASSWORD=hunter2\n');
    const res = await call('POST', '/v1/subjects', alice.key, {
      name: 'not-a-face',
      images: [pngUri(), `data:image/png;base64,${text.toString('base64')}`],
    });
    expect(res.status).toBe(422);
    expect(res.json.errors.map((e: { field: string }) => e.field)).toEqual(['images[1]']);
    expect(res.json.errors[0].message).toMatch(/not an image.*nothing was stored/);
    expect(JSON.stringify(res.json)).not.toMatch(/hunter2/);
    expect(filesUnder(path.join(dir, 'staging'))).toEqual(before.files);
    expect(viduRequests()).toBe(0);
    expect(sim.context.ledger.balance).toBe(before.balance);
  });

  it('stores none of an image over its documented size (reference2video subjects.images, 50 MB), naming it', async () => {
    // Over HTTP the API's body limit refuses it first (test/api/front-door.test.ts); a library or CLI
    // caller reaches the subject path's own limit.
    const before = { balance: sim.context.ledger.balance, files: filesUnder(path.join(dir, 'staging')) };
    const big = Buffer.alloc(51 * 1024 * 1024);
    Buffer.from(pngUri().split(',')[1]!, 'base64').copy(big); // a real PNG head: only the size is wrong
    const library = new SubjectLibrary(runner, staging);
    const refused = await library
      .create({ name: 'too-big', images: [`data:image/png;base64,${big.toString('base64')}`] })
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(InvalidGenerationInput);
    expect((refused as InvalidGenerationInput).issues).toEqual(['images[0]: 51.0 MB exceeds the 50.0 MB limit']);
    expect(filesUnder(path.join(dir, 'staging'))).toEqual(before.files);
    expect(viduRequests()).toBe(0);
    expect(sim.context.ledger.balance).toBe(before.balance);
  });
});

describe('the create activity after a crash', () => {
  it('finds the subject its first attempt made (by the name marker) instead of paying again', async () => {
    const owner = 'key-crash';
    const workflowId = 'subjectCreate-key-crash:one';
    const before = sim.context.ledger.balance;
    // Attempt 1: Vidu answers, then the worker dies before the records are written.
    const crashing = makeSubjectActivities({
      vidu,
      archive: {
        ...archive,
        readJson: archive.readJson.bind(archive),
        writeJson: () => Promise.reject(new Error('worker died')),
      } as never,
      staging,
      ownership: async () => ({ owner, callerText: true }),
      workflowId: () => workflowId,
      attempt: () => 1,
    });
    await expect(crashing.createSubject({ request: { name: 'hero', images: [pngUri()] } })).rejects.toThrow(
      /worker died/,
    );
    expect(sim.context.store.subjects.size).toBe(1);
    // Attempt 2: adopts it, records it; a later repeat answers from the record.
    const second = await activitiesFor(owner, workflowId, 2).createSubject({
      request: { name: 'hero', images: [pngUri()] },
    });
    const third = await activitiesFor(owner, workflowId, 3).createSubject({
      request: { name: 'hero', images: [pngUri()] },
    });
    expect(third.id).toBe(second.id);
    expect(sim.context.store.subjects.size).toBe(1);
    expect(before - sim.context.ledger.balance).toBe(5);
    expect(await serverIdIssues(archive, owner, { subjects: [{ name: '1', server_id: second.id }] })).toEqual([]);
    expect(await serverIdIssues(archive, 'key-other', { subjects: [{ name: '1', server_id: second.id }] })).toEqual([
      `subjects[0].server_id: no subject "${second.id}" of yours; create one first (vidu-flow subjects create, POST /v1/subjects)`,
    ]);
    console.log(
      `[subjects] crash between Vidu's answer and the record: ${before - sim.context.ledger.balance} credits spent, 1 subject`,
    );
  });
});
