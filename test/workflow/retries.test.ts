// options.onTaskFailure (README, "Retry policy"; workflows/generation/retry.ts) under time skipping
// with stub activities (test/helpers/stub-activities.ts): a stub Vidu fails the first N tasks with a
// given err_code, and each test reads what the workflow submitted (submitWhenAdmitted calls), what
// it recorded (status and result `attempts`) and how it failed. The figures are printed.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeStageInputs, type StageDeps } from '../../activities/stage';
import { clientRequestIdFor } from '../../activities/idempotency';
import type { GenerationResult, GenerationStatus, TaskAttempt } from '../../core/generation-types';
import { FailureType } from '../../core/failure-types';
import { statusQuery } from '../../core/workflow-messages';
import { failureOf } from '../helpers/temporal';
import { STUB_ACTIVITY_NAMES, StubVidu, failFirst, type Scenario } from '../helpers/stub-activities';
import { secondsSince, startFastWorker, workflowTime, type FastWorker } from '../helpers/time-skipping';

let fast: FastWorker;
const fileStarted = Date.now();

beforeAll(async () => {
  fast = await startFastWorker(STUB_ACTIVITY_NAMES);
});

afterAll(async () => {
  await fast?.close();
  process.stderr.write(`[time-skipping] test/workflow/retries.test.ts took ${secondsSince(fileStarted)} s\n`);
});

const video = { model: 'viduq2', images: ['https://cdn.example/a.png'], prompt: 'the camera pushes in', duration: 5 };

async function generation<T>(
  scenario: Partial<Scenario>,
  options: Record<string, unknown>,
  drive: (handle: WorkflowHandle, vidu: StubVidu, workflowId: string) => Promise<T>,
  stub: (vidu: StubVidu) => object = (vidu) => vidu.activities(),
): Promise<T> {
  const vidu = new StubVidu(scenario);
  const workflowId = `img2video-retry-${randomUUID()}`;
  fast.route(workflowId, stub(vidu));
  const wallStarted = Date.now();
  const handle = await fast.env.client.workflow.start('img2video', {
    taskQueue: fast.taskQueue,
    workflowId,
    args: [{ request: video, options }],
  });
  try {
    return await drive(handle, vidu, workflowId);
  } finally {
    process.stderr.write(
      `[time-skipping]   ${expect.getState().currentTestName}: ${await workflowTime(handle)} in ${secondsSince(wallStarted)} s\n`,
    );
  }
}

/** What each submission asked for: model, seed and the idempotency key's step. */
function submissions(vidu: StubVidu) {
  return vidu.callsOf('submitWhenAdmitted').map((c) => {
    const input = c.input as { request: Record<string, unknown>; step?: string };
    return { model: input.request.model, seed: input.request.seed, step: input.step };
  });
}

function print(label: string, attempts: TaskAttempt[] | undefined, credits?: number): void {
  process.stderr.write(
    `[retries] ${label}: ${JSON.stringify(attempts)}${credits !== undefined ? `, credits ${credits}` : ''}\n`,
  );
}

describe('options.onTaskFailure', () => {
  it('moderation (CreationPolicyViolation) twice, then success on the third task, each retry with a new seed and its own idempotency key', async () => {
    await generation(
      { script: failFirst(2, 'CreationPolicyViolation') },
      { onTaskFailure: { attempts: 3, reseed: true } },
      async (handle, vidu, workflowId) => {
        const result = (await handle.result()) as GenerationResult;
        print('moderated twice, third succeeds', result.attempts, result.credits);
        expect(result.attempts).toHaveLength(3);
        const [a1, a2, a3] = result.attempts as TaskAttempt[];
        expect(a1).toMatchObject({ errCode: 'CreationPolicyViolation', model: 'viduq2', credits: 0 });
        expect(a1?.seed).toBeUndefined();
        expect(a2?.errCode).toBe('CreationPolicyViolation');
        expect(a3).toMatchObject({ errCode: '', taskId: result.taskId, credits: 10 });
        // New seeds, each different, in Vidu's range.
        expect(a2?.seed).toEqual(expect.any(Number));
        expect(a3?.seed).toEqual(expect.any(Number));
        expect(a2?.seed).not.toBe(a3?.seed);
        expect(new Set(result.attempts?.map((a) => a.taskId)).size).toBe(3);
        expect(result.credits).toBe(10);
        const subs = submissions(vidu);
        expect(subs.map((s) => s.step)).toEqual([undefined, 'submit-attempt-2', 'submit-attempt-3']);
        expect(subs.map((s) => s.seed)).toEqual([undefined, a2?.seed, a3?.seed]);
        // Three different client_request_ids, none the first one's: no attempt can be taken for another.
        const keys = subs.map((s) => clientRequestIdFor(workflowId, s.step));
        expect(new Set(keys).size).toBe(3);
        const status = (await handle.query(statusQuery)) as GenerationStatus;
        expect(status.attempts).toEqual(result.attempts);
        expect(status.errCode).toBeUndefined();
        // Each retry went through admit-and-submit (the slot request and the submission) again.
        expect(vidu.callsOf('submitWhenAdmitted')).toHaveLength(3);
      },
    );
  });

  it('ModelUnavailable moves to the next fallback model', async () => {
    await generation(
      { script: failFirst(1, 'ModelUnavailable') },
      { onTaskFailure: { attempts: 3, fallbackModels: ['viduq2-turbo', 'viduq2-pro'] } },
      async (handle, vidu) => {
        const result = (await handle.result()) as GenerationResult;
        print('ModelUnavailable → fallback', result.attempts, result.credits);
        expect(result.attempts?.map((a) => [a.model, a.errCode])).toEqual([
          ['viduq2', 'ModelUnavailable'],
          ['viduq2-turbo', ''],
        ]);
        expect(submissions(vidu).map((s) => s.model)).toEqual(['viduq2', 'viduq2-turbo']);
      },
    );
  });

  it('AuditSubmitIllegal (the input refused) is never retried, and the failure names the refused input', async () => {
    await generation(
      { script: failFirst(1, 'AuditSubmitIllegal') },
      { onTaskFailure: { attempts: 3, reseed: true } },
      async (handle, vidu) => {
        const cause = (await failureOf(handle)) as ApplicationFailure;
        expect(cause.type).toBe(FailureType.ViduTaskFailed);
        expect(cause.message).toMatch(/AuditSubmitIllegal after 1 attempt\(s\), not retried/);
        expect(cause.message).toMatch(/Vidu refused the input \(image, video or text\)/);
        const details = cause.details?.[0] as { attempts: TaskAttempt[]; refusedInput: string };
        print('AuditSubmitIllegal', details.attempts);
        expect(details.refusedInput).toBe('input (image, video or text)');
        expect(details.attempts).toHaveLength(1);
        expect(vidu.callsOf('submitWhenAdmitted')).toHaveLength(1);
      },
    );
  });

  it('AuditSubmitIllegal is retried with the same request when retryInputRefusals says so', async () => {
    await generation(
      { script: failFirst(1, 'AuditSubmitIllegal') },
      { onTaskFailure: { attempts: 2, retryInputRefusals: true } },
      async (handle, vidu) => {
        const result = (await handle.result()) as GenerationResult;
        print('AuditSubmitIllegal, retryInputRefusals', result.attempts);
        expect(result.attempts?.map((a) => a.errCode)).toEqual(['AuditSubmitIllegal', '']);
        const subs = submissions(vidu);
        expect(subs[1]).toEqual({ model: 'viduq2', seed: undefined, step: 'submit-attempt-2' });
      },
    );
  });

  it('attempts used up: ViduTaskFailed carries every attempt and the credits of all', async () => {
    await generation(
      { script: failFirst(5, 'InternalServiceFailure') },
      { onTaskFailure: { attempts: 3 } },
      async (handle, vidu) => {
        const cause = (await failureOf(handle)) as ApplicationFailure;
        expect(cause.type).toBe(FailureType.ViduTaskFailed);
        expect(cause.message).toMatch(/after 3 attempt\(s\), attempts used up/);
        const details = cause.details?.[0] as { attempts: TaskAttempt[]; credits: number; refusedInput?: string };
        print('InternalServiceFailure ×3', details.attempts, details.credits);
        expect(details.attempts.map((a) => a.errCode)).toEqual(Array(3).fill('InternalServiceFailure'));
        expect(details.refusedInput).toBeUndefined();
        expect(vidu.callsOf('submitWhenAdmitted')).toHaveLength(3);
        const status = (await handle.query(statusQuery)) as GenerationStatus;
        expect(status).toMatchObject({ phase: 'failed', failureType: FailureType.ViduTaskFailed });
        expect(status.attempts).toEqual(details.attempts);
      },
    );
  });

  it('ModelUnavailable with every fallback model used, and CreationPolicyViolation with reseed off, stop early and say why', async () => {
    await generation(
      { script: failFirst(5, 'ModelUnavailable') },
      { onTaskFailure: { attempts: 5, fallbackModels: ['viduq2-turbo'] } },
      async (handle, vidu) => {
        const cause = (await failureOf(handle)) as ApplicationFailure;
        expect(cause.message).toMatch(/after 2 attempt\(s\), no fallback model left/);
        expect(submissions(vidu).map((s) => s.model)).toEqual(['viduq2', 'viduq2-turbo']);
      },
    );
    await generation(
      { script: failFirst(5, 'CreationPolicyViolation') },
      { onTaskFailure: { attempts: 5, reseed: false } },
      async (handle, vidu) => {
        const cause = (await failureOf(handle)) as ApplicationFailure;
        expect(cause.message).toMatch(/after 1 attempt\(s\), not retried \(reseed is off\)/);
        expect(vidu.callsOf('submitWhenAdmitted')).toHaveLength(1);
      },
    );
  });

  it('off-peak: a task Vidu could not run in its window (undocumented code, refunded) is not queued again', async () => {
    await generation(
      { offPeak: true, script: failFirst(5, 'OffPeakTimeout') },
      { onTaskFailure: { attempts: 3 } },
      async (handle, vidu) => {
        const cause = (await failureOf(handle)) as ApplicationFailure;
        expect(cause.type).toBe(FailureType.OffPeakRefunded);
        expect(vidu.callsOf('submitWhenAdmitted')).toHaveLength(1);
      },
    );
  });

  it('a cancel during the second attempt cancels the second task at Vidu, and the run ends cancelled', async () => {
    await generation(
      {
        script: ({ nth }) =>
          nth === 1
            ? { state: 'failed', errCode: 'InternalServiceFailure', credits: 0 }
            : { state: 'success', polls: 'never' },
      },
      { onTaskFailure: { attempts: 3 } },
      async (handle, vidu) => {
        let status = (await handle.query(statusQuery)) as GenerationStatus;
        for (let i = 0; i < 200 && !(status.phase === 'waiting' && status.attempts?.length === 1); i += 1) {
          await new Promise((r) => setTimeout(r, 50));
          status = (await handle.query(statusQuery)) as GenerationStatus;
        }
        expect(status.taskId).toBe('t2');
        await handle.cancel();
        const cause = await failureOf(handle);
        expect(cause).toBeInstanceOf(CancelledFailure);
        expect(vidu.callsOf('cancelTask').map((c) => (c.input as { taskId: string }).taskId)).toEqual(['t2']);
        expect(vidu.callsOf('submitWhenAdmitted')).toHaveLength(2);
      },
    );
  });

  it('an undocumented err_code is retried at most once', async () => {
    await generation(
      { script: failFirst(5, 'SomethingNew') },
      { onTaskFailure: { attempts: 5 } },
      async (handle, vidu) => {
        const cause = (await failureOf(handle)) as ApplicationFailure;
        const details = cause.details?.[0] as { attempts: TaskAttempt[] };
        print('unknown err_code', details.attempts);
        expect(details.attempts).toHaveLength(2);
        expect(vidu.callsOf('submitWhenAdmitted')).toHaveLength(2);
      },
    );
  });

  it('without a policy nothing changes: one task, no attempts in status, result or failure', async () => {
    await generation({ script: failFirst(1, 'CreationPolicyViolation') }, {}, async (handle, vidu) => {
      const cause = (await failureOf(handle)) as ApplicationFailure;
      expect(cause.details?.[0]).not.toHaveProperty('attempts');
      expect((await handle.query(statusQuery)) as GenerationStatus).not.toHaveProperty('attempts');
      expect(vidu.callsOf('submitWhenAdmitted')).toHaveLength(1);
      expect(submissions(vidu)[0]?.step).toBeUndefined();
    });
  });

  it('a fallback model the request does not fit is refused by the real stage activity before anything is submitted', async () => {
    await generation(
      {},
      // vidu1.5 takes 4 or 8 s (docs/vidu-api.md §1); the request asks for 5.
      { onTaskFailure: { attempts: 2, fallbackModels: ['viduq2-turbo', 'vidu1.5'] } },
      async (handle, vidu) => {
        const cause = (await failureOf(handle)) as ApplicationFailure;
        expect(cause.message).toMatch(/options\.onTaskFailure\.fallbackModels\[1\]: vidu1\.5 cannot take this request/);
        expect(cause.message).not.toMatch(/fallbackModels\[0\]/);
        expect(vidu.callsOf('submitWhenAdmitted')).toHaveLength(0);
      },
      // The issues are found before the stage activity reads a dependency.
      (vidu) => ({ ...vidu.activities(), stageInputs: makeStageInputs({} as StageDeps) }),
    );
  });
});
