// The subject workflows (workflows/subjects/) with the REAL workflow code and activities on the dev
// server, Vidu being an in-process simulator, started through the typed client's SubjectLibrary
// (temporalRunner). The crash-safety case: the worker "dies" right after Vidu answered a create
// (the record write fails once), Temporal retries the activity, and the retry finds the subject by
// its name marker: one subject, 5 credits. Ownership follows the workflow's ViduCaller.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSubjectActivities } from '../../activities/subjects';
import { SubjectLibrary, temporalRunner } from '../../client/subjects';
import { ViduCaller } from '../../core/search-attributes';
import { LocalArchiveStore } from '../../platform/stores/local-archive-store';
import { StagingStore } from '../../platform/stores/staging-store';
import type { RunningSim } from '../../sim';
import { ViduClient } from '../../vidu/client';
import { API_KEY, pngUri, startTestSim } from '../sim/helpers';
import { startWorkflowWorker } from '../helpers/workflow-worker';
import { connectToTestServer, uniqueTaskQueue, type TestConnections } from '../helpers/temporal';

const dir = mkdtempSync(path.join(tmpdir(), 'vidu-flow-subject-wf-'));
const taskQueue = uniqueTaskQueue('subjects');
const archive = new LocalArchiveStore(path.join(dir, 'archive'));
const staging = new StagingStore(path.join(dir, 'staging'));
let temporal: TestConnections;
let worker: Worker;
let running: Promise<void>;
let sim: RunningSim;
let library: SubjectLibrary;
let crashes = 0;

beforeAll(async () => {
  sim = await startTestSim();
  temporal = await connectToTestServer();
  // The first record write of a create fails, as if the worker died between Vidu's answer and it.
  const flaky = Object.create(archive) as LocalArchiveStore;
  flaky.writeJson = async (key, value) => {
    if (key.startsWith('subjects/key-') && crashes === 0) {
      crashes += 1;
      throw new Error('worker died after Vidu answered');
    }
    return archive.writeJson(key, value);
  };
  const vidu = new ViduClient({ baseUrl: sim.url, apiKey: API_KEY, getRetries: 0 });
  ({ worker, running } = await startWorkflowWorker(temporal, {
    taskQueue,
    activities: makeSubjectActivities({ vidu, archive: flaky, staging }),
  }));
  library = new SubjectLibrary(temporalRunner(temporal.client, taskQueue), staging);
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await temporal?.close();
  await sim?.close();
});

const as = (keyId: string) => ({ searchAttributes: [{ key: ViduCaller, value: keyId }] });

describe('subject workflows', () => {
  it('a create retried after a crash between Vidu’s answer and the record pays once', async () => {
    const before = sim.context.ledger.balance;
    const started = Date.now();
    const s = await library.create(
      { name: 'hero', images: [pngUri()] },
      { ...as('alice'), idempotencyKey: 'alice:hero' },
    );
    console.log(`[subjects] create with one crash and a retry in ${Date.now() - started} ms`);
    expect(crashes).toBe(1);
    expect(s).toMatchObject({ name: 'hero', owner: 'key-alice' });
    expect(sim.context.store.subjects.size).toBe(1);
    expect(before - sim.context.ledger.balance).toBe(5);
    // The same request again: the same workflow, nothing new at Vidu.
    const again = await library.create(
      { name: 'hero', images: [pngUri()] },
      { ...as('alice'), idempotencyKey: 'alice:hero' },
    );
    expect(again.id).toBe(s.id);
    expect(sim.context.store.subjects.size).toBe(1);
  });

  it('reads and edits follow the workflow’s ViduCaller', async () => {
    const [mine] = (await library.list({}, as('alice'))).subjects;
    expect(mine?.name).toBe('hero');
    expect((await library.list({}, as('mallory'))).subjects).toEqual([]);
    expect(await library.get(mine!.id, as('mallory'))).toBeUndefined();
    expect(await library.update(mine!.id, { name: 'stolen' }, as('mallory'))).toBeUndefined();
    expect((await library.update(mine!.id, { style: 'noir' }, as('alice')))?.style).toBe('noir');
    expect((await library.list({}, {})).subjects).toEqual([]);
  });
});
