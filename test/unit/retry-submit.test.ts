// A retry of options.onTaskFailure is a new task with its own client_request_id (README, "Retry
// policy"): the real submit activity against an in-process simulator sends a different id for
// `submit-attempt-<n>`, the first task's id is unchanged, and an activity retry of the retry (its
// answer lost) finds its own task, not the first one, and pays nothing twice.
import { MockActivityEnvironment } from '@temporalio/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientRequestIdFor } from '../../activities/idempotency';
import { makeSubmitTask, type SubmitInput } from '../../activities/submit';
import type { SubmitResult } from '../../core/generation-types';
import { StagingStore } from '../../platform/stores/staging-store';
import type { RunningSim } from '../../sim';
import { ViduClient } from '../../vidu/client';
import { admin, API_KEY, pngUri, startTestSim } from '../sim/helpers';

let sim: RunningSim;
let dir: string;
let submitTask: ReturnType<typeof makeSubmitTask>;

beforeAll(async () => {
  sim = await startTestSim();
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-retry-'));
  submitTask = makeSubmitTask({
    vidu: new ViduClient({ baseUrl: sim.url, apiKey: API_KEY, getRetries: 0 }),
    staging: new StagingStore(dir),
    callbackUrl: undefined,
  });
});
afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const workflowId = 'img2video-retry-submit';
const request = { model: 'viduq2', images: [pngUri()], prompt: 'the same request', duration: 5 };
const input = (step?: string): SubmitInput => ({
  kind: 'img2video',
  workflowId,
  request,
  waitMode: 'poll',
  ...(step ? { step } : {}),
});

async function createdIds(): Promise<unknown[]> {
  const log = (await admin.get(sim, 'requests?endpoint=img2video')).body as Array<{
    method: string;
    body?: Record<string, unknown>;
  }>;
  return log.filter((r) => r.method === 'POST').map((r) => r.body?.client_request_id);
}

describe('the idempotency key of a retry', () => {
  it('the first task keeps its id; the second attempt sends its own; a lost answer of the second is recovered, not resent', async () => {
    const first = (await new MockActivityEnvironment().run(submitTask, input())) as SubmitResult;
    const second = (await new MockActivityEnvironment().run(submitTask, input('submit-attempt-2'))) as SubmitResult;
    expect(second.taskId).not.toBe(first.taskId);
    expect(await createdIds()).toEqual([
      clientRequestIdFor(workflowId),
      clientRequestIdFor(workflowId, 'submit-attempt-2'),
    ]);
    expect(clientRequestIdFor(workflowId)).toBe(clientRequestIdFor(workflowId, 'submit'));

    // The second submission's answer was lost: its activity retry looks before sending again.
    const retried = (await new MockActivityEnvironment({
      attempt: 2,
      scheduledTimestampMs: Date.now() - 60_000,
    }).run(submitTask, input('submit-attempt-2'))) as SubmitResult;
    expect(retried).toMatchObject({ taskId: second.taskId, via: 'recovered-from-task-list' });
    expect(await createdIds()).toHaveLength(2);
  });
});
