// The submit activity against an in-process simulator whose reference2image refuses
// client_request_id (VIDU_SIM_REFUSE_CLIENT_REQUEST_ID): where the id is sent, the fallback when
// Vidu refuses it, and the task-list lookup that still guards against paying twice without it.
import { MockActivityEnvironment } from '@temporalio/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClientRequestIdPolicy, clientRequestIdFor } from '../../activities/idempotency';
import { StagingStore } from '../../platform/stores/staging-store';
import { findSubmittedTask } from '../../activities/task-lookup';
import { makeSubmitTask, type SubmitInput } from '../../activities/submit';
import type { RunningSim } from '../../sim';
import { ViduClient } from '../../vidu/client';
import type { SubmitResult } from '../../core/generation-types';
import { admin, API_KEY, api, pngUri, startTestSim } from '../sim/helpers';

let sim: RunningSim;
let dir: string;
let vidu: ViduClient;
let staging: StagingStore;

beforeAll(async () => {
  sim = await startTestSim({ refuseClientRequestId: ['reference2image'] });
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-crid-'));
  vidu = new ViduClient({ baseUrl: sim.url, apiKey: API_KEY, getRetries: 0 });
  staging = new StagingStore(dir);
});
afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await admin.post(sim, 'reset');
});

const image = pngUri();
function submission(kind: SubmitInput['kind'], workflowId: string, prompt = `prompt of ${workflowId}`): SubmitInput {
  const request =
    kind === 'img2video'
      ? { model: 'viduq2', images: [image], prompt, duration: 5 }
      : { model: 'viduq2', images: [image], prompt };
  return { kind, workflowId, request, waitMode: 'poll' };
}

/** Runs one attempt of the submit activity (Temporal's mock activity context; heartbeats as given). */
function attempt(
  submitTask: ReturnType<typeof makeSubmitTask>,
  input: SubmitInput,
  info: ConstructorParameters<typeof MockActivityEnvironment>[0] = {},
): Promise<SubmitResult> {
  return new MockActivityEnvironment(info).run(submitTask, input) as Promise<SubmitResult>;
}

/** The create POSTs the sim saw on one endpoint: status and whether the body carried the id. */
async function creates(endpoint: string): Promise<Array<{ status: number; id: unknown }>> {
  const log = (await admin.get(sim, `requests?endpoint=${endpoint}`)).body as Array<{
    method: string;
    status: number;
    body?: Record<string, unknown>;
  }>;
  return log
    .filter((r) => r.method === 'POST')
    .map((r) => ({
      status: r.status,
      id: r.body && 'client_request_id' in r.body ? r.body.client_request_id : undefined,
    }));
}

async function taskCount(): Promise<number> {
  const tasks = (await admin.get(sim, 'tasks')).body as unknown[];
  return tasks.length;
}

describe('client_request_id on submission', () => {
  it('is resent without when Vidu refuses it (one task), and later submissions there go without it at once', async () => {
    const submitTask = makeSubmitTask({ vidu, staging, callbackUrl: undefined });
    const first = await attempt(submitTask, submission('reference2image', 'wf-refused-1'));
    expect(first.via).toBe('created');
    expect(await creates('reference2image')).toEqual([
      { status: 400, id: clientRequestIdFor('wf-refused-1') },
      { status: 200, id: undefined },
    ]);
    expect(await taskCount()).toBe(1);

    const second = await attempt(submitTask, submission('reference2image', 'wf-refused-2'));
    expect(second.taskId).not.toBe(first.taskId);
    expect((await creates('reference2image')).slice(2)).toEqual([{ status: 200, id: undefined }]);
    expect(await taskCount()).toBe(2);

    // img2video documents the id: it is still sent there by the same worker.
    await attempt(submitTask, submission('img2video', 'wf-i2v'));
    expect(await creates('img2video')).toEqual([{ status: 200, id: clientRequestIdFor('wf-i2v') }]);
  });

  it('keeps sending it to an undocumented endpoint that accepted it once', async () => {
    const policy = new ClientRequestIdPolicy();
    const submitTask = makeSubmitTask({ vidu, staging, callbackUrl: undefined, clientRequestIds: policy });
    expect(policy.modeFor('reference2video')).toBe('trial');
    await attempt(submitTask, submission('reference2video', 'wf-ref-1'));
    expect(policy.modeFor('reference2video')).toBe('with');
    await attempt(submitTask, submission('reference2video', 'wf-ref-2'));
    expect(await creates('reference2video')).toEqual([
      { status: 200, id: clientRequestIdFor('wf-ref-1') },
      { status: 200, id: clientRequestIdFor('wf-ref-2') },
    ]);
  });

  it('a retry finds the task an earlier attempt created without the id, even though the list shows other ids, and does not pay twice', async () => {
    // Someone else's tasks, with ids, in the same window…
    await api.post(sim, 'img2video', {
      model: 'viduq2',
      images: [image],
      prompt: 'other',
      duration: 5,
      client_request_id: 'vf-someone-else',
    });
    // …and the task our earlier attempt created (its answer was lost) after Vidu refused the id.
    const input = submission('reference2image', 'wf-lost-answer');
    const lost = await api.post(sim, 'reference2image', input.request);
    expect(lost.status).toBe(200);
    const before = await taskCount();

    const submitTask = makeSubmitTask({ vidu, staging, callbackUrl: undefined });
    const env = new MockActivityEnvironment({
      attempt: 2,
      scheduledTimestampMs: Date.now() - 60_000,
      // The trial's first heartbeat: the id may not have gone with the request that created the task.
      heartbeatDetails: { phase: 'sending', sentAtMs: Date.now() - 30_000, withId: false },
    });
    const recovered = (await env.run(submitTask, input)) as SubmitResult;
    expect(recovered).toMatchObject({ taskId: lost.body.task_id, via: 'recovered-from-task-list' });
    expect(await taskCount()).toBe(before);
    expect((await creates('reference2image')).length).toBe(1);
  });
});

describe('client_request_id refused where Vidu documents it (img2video)', () => {
  let strict: RunningSim;
  beforeAll(async () => {
    strict = await startTestSim({ refuseClientRequestId: ['img2video'] });
  });
  afterAll(async () => {
    await strict?.close();
  });

  it('fails the attempt retryably (its heartbeat already said "with id"); the retry sends without it and creates one task', async () => {
    const client = new ViduClient({ baseUrl: strict.url, apiKey: API_KEY, getRetries: 0 });
    const submitTask = makeSubmitTask({ vidu: client, staging, callbackUrl: undefined });
    const input = submission('img2video', 'wf-documented');
    const beats: unknown[] = [];
    const first = new MockActivityEnvironment();
    first.on('heartbeat', (d: unknown) => beats.push(d));
    const err = (await first.run(submitTask, input).catch((e: unknown) => e)) as {
      type?: string;
      nonRetryable?: boolean;
    };
    expect(err).toMatchObject({ type: 'ClientRequestIdRefused', nonRetryable: false });
    expect(beats).toMatchObject([{ phase: 'sending', withId: true }]);

    const retry = new MockActivityEnvironment({
      attempt: 2,
      scheduledTimestampMs: Date.now() - 1000,
      heartbeatDetails: beats[0],
    });
    expect(((await retry.run(submitTask, input)) as SubmitResult).via).toBe('created');
    const log = (await admin.get(strict, 'requests?endpoint=img2video')).body as Array<{
      method: string;
      status: number;
      body: Record<string, unknown>;
    }>;
    expect(log.filter((r) => r.method === 'POST').map((r) => [r.status, 'client_request_id' in r.body])).toEqual([
      [400, true],
      [200, false],
    ]);
    expect(((await admin.get(strict, 'tasks')).body as unknown[]).length).toBe(1);
  });
});

describe('the task-list lookup when the id may not have been sent', () => {
  const request = { model: 'viduq2', prompt: 'a cat walks on the beach', duration: 5 };
  const listing = (tasks: Array<Record<string, unknown>>) =>
    ({ listTasks: async () => ({ tasks, next_page_token: '' }) }) as unknown as ViduClient;
  const lookup = (idMayBeMissing: boolean) => ({
    clientRequestId: 'vf-ours',
    idMayBeMissing,
    request,
    sinceMs: Date.now(),
  });

  it('matches a task without an id by its fields, although other tasks carry ids; one with another id is never ours', async () => {
    const tasks = [
      { id: 'theirs', ...request, client_request_id: 'vf-someone-else' },
      { id: 'ours', ...request, client_request_id: '' },
      { id: 'other-prompt', ...request, prompt: 'a dog', client_request_id: '' },
    ];
    expect(await findSubmittedTask(listing(tasks), lookup(true))).toMatchObject({
      found: true,
      taskId: 'ours',
      matchedBy: 'request-fields',
    });
    // Our id went with the request: a task we created would carry it, so nothing here is ours.
    expect(await findSubmittedTask(listing(tasks), lookup(false))).toEqual({ found: false });
  });

  it('still prefers our id, and fails as ambiguous (rather than resend) when several tasks without an id match', async () => {
    const ours = [
      { id: 'by-id', client_request_id: 'vf-ours' },
      { id: 'same-fields', ...request },
    ];
    expect(await findSubmittedTask(listing(ours), lookup(true))).toMatchObject({
      found: true,
      taskId: 'by-id',
      matchedBy: 'client_request_id',
    });
    const twins = [
      { id: 'a', ...request },
      { id: 'b', ...request, client_request_id: '' },
      { id: 'c', ...request, client_request_id: 'vf-x' },
    ];
    expect(await findSubmittedTask(listing(twins), lookup(true))).toEqual({ found: false, ambiguous: ['a', 'b'] });
  });
});
