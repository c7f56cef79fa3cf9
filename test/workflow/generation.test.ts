// The generation workflow (workflows/generation.ts, through the img2video type of workflows/index.ts)
// under time skipping with stub activities (test/helpers/stub-activities.ts): every branch of its
// wait and its cancellation in seconds, no simulator. Hours of polling and deadlines pass while a
// test awaits the result; the printed figures say how much workflow time each branch took.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationResult, GenerationStatus } from '../../core/generation-types';
import { FailureType } from '../../core/failure-types';
import { slotGrantedSignal } from '../../core/admission-messages';
import { statusQuery, taskUpdateSignal } from '../../core/workflow-messages';
import { ViduCredits, ViduKind, ViduState, ViduTaskId } from '../../core/search-attributes';
import { OFF_PEAK_TIMEOUT_SECONDS } from '../../workflows/generation/state';
import { failureOf } from '../helpers/temporal';
import { STUB_ACTIVITY_NAMES, StubVidu, type Scenario } from '../helpers/stub-activities';
import { secondsSince, startFastWorker, workflowTime, type FastWorker } from '../helpers/time-skipping';

let fast: FastWorker;
const fileStarted = Date.now();

beforeAll(async () => {
  fast = await startFastWorker(STUB_ACTIVITY_NAMES);
});

afterAll(async () => {
  await fast?.close();
  process.stderr.write(`[time-skipping] test/workflow/generation.test.ts took ${secondsSince(fileStarted)} s\n`);
});

const video = { model: 'viduq2', images: ['https://cdn.example/a.png'], prompt: 'the camera pushes in', duration: 5 };
type Status = GenerationStatus & { confirmations: number; ignoredUpdates: number };

/**
 * Starts img2video on a worker with the stubs of `scenario`, runs `drive` with its handle, and
 * prints how much workflow time passed (time skipping) against the wall clock.
 */
async function generation<T>(
  scenario: Partial<Scenario>,
  options: Record<string, unknown>,
  drive: (handle: WorkflowHandle, vidu: StubVidu) => Promise<T>,
): Promise<T> {
  const vidu = new StubVidu(scenario);
  const workflowId = `img2video-fast-${randomUUID()}`;
  fast.route(workflowId, vidu.activities());
  const wallStarted = Date.now();
  const handle = await fast.env.client.workflow.start('img2video', {
    taskQueue: fast.taskQueue,
    workflowId,
    args: [{ request: video, options }],
  });
  try {
    return await drive(handle, vidu);
  } finally {
    process.stderr.write(
      `[time-skipping]   ${expect.getState().currentTestName}: ${await workflowTime(handle)} in ${secondsSince(wallStarted)} s\n`,
    );
  }
}

/** Queries `status` until `ready` holds (the workflow moves in its own tasks; time does not skip meanwhile). */
async function statusWhen(handle: WorkflowHandle, ready: (s: Status) => boolean): Promise<Status> {
  for (let i = 0; i < 200; i += 1) {
    const status = (await handle.query(statusQuery)) as Status;
    if (ready(status)) return status;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`status never reached the expected state; last: ${JSON.stringify(await handle.query(statusQuery))}`);
}

describe('waiting for the Vidu task', () => {
  it('a callback wakes the workflow: one Get Generation confirms it, no poll asks Vidu', async () => {
    await generation(
      { callbacks: true, script: () => ({ state: 'success', polls: 'never' }) },
      {},
      async (handle, vidu) => {
        const waiting = await statusWhen(handle, (s) => s.phase === 'waiting');
        expect(waiting.waitMode).toBe('callback');
        const taskId = waiting.taskId as string;
        vidu.finish(taskId);
        await handle.signal(taskUpdateSignal, { taskId, state: 'success', progress: 100 });
        const result = (await handle.result()) as GenerationResult;
        expect(result).toMatchObject({ state: 'success', taskId, credits: 10 });
        expect(result.creations.map((c) => c.id)).toEqual([`c-${taskId}`]);
        expect(result.archive?.files).toHaveLength(1);
        const status = (await handle.query(statusQuery)) as Status;
        expect(status.confirmations).toBe(1);
        expect(vidu.callsOf('fetchTask')).toHaveLength(1);
        // The fallback poll's first attempt asks nothing (skipFirstPoll); no later attempt ran.
        expect(vidu.callsOf('pollTask').map((c) => c.attempt)).toEqual([1]);
        // The search attributes follow the state, as on a real cluster (registered by startTimeSkipping).
        const { typedSearchAttributes } = await handle.describe();
        expect([ViduKind, ViduTaskId, ViduState, ViduCredits].map((key) => typedSearchAttributes.get(key))).toEqual([
          'img2video',
          taskId,
          'success',
          10,
        ]);
      },
    );
  });

  it('a callback for another task id, or with an unknown state, changes nothing', async () => {
    await generation(
      { callbacks: true, script: () => ({ state: 'success', polls: 'never' }) },
      {},
      async (handle, vidu) => {
        const { taskId } = await statusWhen(handle, (s) => s.phase === 'waiting');
        await handle.signal(taskUpdateSignal, { taskId: 'someone-elses', state: 'success', progress: 100 });
        await handle.signal(taskUpdateSignal, { taskId, state: 'exploded' as never, progress: 100 });
        const status = await statusWhen(handle, (s) => s.updates === 2);
        expect(status).toMatchObject({ phase: 'waiting', ignoredUpdates: 1, unknownStates: 1, confirmations: 0 });
        expect(vidu.callsOf('fetchTask')).toHaveLength(0);
        await handle.terminate('test over');
      },
    );
  });

  it('without callbacks, the fallback poll finds the end: its retries are the polls', async () => {
    await generation({ callbacks: false, script: () => ({ state: 'success', polls: 3 }) }, {}, async (handle, vidu) => {
      const result = (await handle.result()) as GenerationResult;
      expect(result.state).toBe('success');
      // Attempts 1–3 see the task running, attempt 4 sees it done: one activity, four attempts.
      expect(vidu.callsOf('pollTask').map((c) => c.attempt)).toEqual([1, 2, 3, 4]);
      expect(vidu.callsOf('fetchTask')).toHaveLength(0);
    });
  });

  it('a task Vidu fails fails the workflow as ViduTaskFailed, with its err_code and credits', async () => {
    await generation({ script: () => ({ state: 'failed', errCode: 'AuditFailed', polls: 1 }) }, {}, async (handle) => {
      const cause = await failureOf(handle);
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect((cause as ApplicationFailure).type).toBe(FailureType.ViduTaskFailed);
      expect((cause as ApplicationFailure).message).toMatch(/AuditFailed/);
      const status = (await handle.query(statusQuery)) as Status;
      expect(status).toMatchObject({
        phase: 'failed',
        failureType: FailureType.ViduTaskFailed,
        errCode: 'AuditFailed',
      });
    });
  });

  it('past the deadline: one last look, a cancel at Vidu, and ViduTimeout', async () => {
    const options = { timeoutSeconds: 1800 };
    await generation({ script: () => ({ state: 'success', polls: 'never' }) }, options, async (handle, vidu) => {
      const cause = await failureOf(handle);
      expect((cause as ApplicationFailure).type).toBe(FailureType.ViduTimeout);
      expect((cause as ApplicationFailure).message).toMatch(/did not finish within 1800 s.*cancel: cancelled/);
      expect(vidu.callsOf('fetchTask')).toHaveLength(1);
      expect(vidu.callsOf('cancelTask')).toHaveLength(1);
      // The poll-only schedule (5 s ×2 ≤ 60 s) fits many polls into 30 minutes, all in one activity.
      expect(vidu.callsOf('pollTask').length).toBeGreaterThan(20);
      const status = (await handle.query(statusQuery)) as Status;
      expect(status).toMatchObject({
        phase: 'failed',
        failureType: FailureType.ViduTimeout,
        cancellation: { outcome: 'cancelled' },
      });
    });
  });
});

describe('off-peak', () => {
  it('Vidu refunds a task it could not run in its window: OffPeakRefunded, credits back', async () => {
    const scenario = {
      offPeak: true,
      credits: 8,
      script: () => ({ state: 'failed' as const, errCode: 'OffPeakTimeout', credits: 0, polls: 5 }),
    };
    await generation(scenario, {}, async (handle) => {
      const cause = await failureOf(handle);
      expect((cause as ApplicationFailure).type).toBe(FailureType.OffPeakRefunded);
      expect((cause as ApplicationFailure).details?.[0]).toMatchObject({
        refunded: true,
        credits: 0,
        creditsRefunded: 8,
      });
      const status = (await handle.query(statusQuery)) as Status;
      expect(status).toMatchObject({ phase: 'failed', credits: 0, creditsRefunded: 8 });
    });
  });

  it('an off-peak task still running after 50 hours expires: cancelled at Vidu, OffPeakExpired', async () => {
    await generation(
      { offPeak: true, script: () => ({ state: 'success', polls: 'never' }) },
      {},
      async (handle, vidu) => {
        const cause = await failureOf(handle);
        expect((cause as ApplicationFailure).type).toBe(FailureType.OffPeakExpired);
        expect((cause as ApplicationFailure).message).toMatch(new RegExp(`within ${OFF_PEAK_TIMEOUT_SECONDS} s`));
        expect(vidu.callsOf('cancelTask')).toHaveLength(1);
        // The off-peak poll-only schedule (10 min ×1.5 ≤ 2 h) polls sparsely over the 50 hours.
        const polls = vidu.callsOf('pollTask').length;
        expect(polls).toBeGreaterThan(10);
        expect(polls).toBeLessThan(60);
      },
    );
  });

  it("an off-peak task past the caller's own timeoutSeconds expires then: cancelled at Vidu, OffPeakExpired", async () => {
    await generation(
      { offPeak: true, script: () => ({ state: 'success', polls: 'never' }) },
      { timeoutSeconds: 5 },
      async (handle, vidu) => {
        const cause = await failureOf(handle);
        expect((cause as ApplicationFailure).type).toBe(FailureType.OffPeakExpired);
        expect((cause as ApplicationFailure).message).toMatch(/within 5 s.*cancel: cancelled/);
        expect(vidu.callsOf('cancelTask')).toHaveLength(1);
      },
    );
  });
});

describe('cancellation', () => {
  it('cancelled while queued for a slot: nothing reaches Vidu, the request is withdrawn, Cancelled', async () => {
    await generation({ queueFor: () => true }, {}, async (handle, vidu) => {
      await statusWhen(handle, (s) => s.phase === 'waiting_for_slot');
      await handle.cancel();
      const cause = await failureOf(handle);
      expect(cause).toBeInstanceOf(CancelledFailure);
      expect(vidu.tasks.size).toBe(0);
      expect(vidu.callsOf('cancelTask')).toHaveLength(0);
      expect(vidu.callsOf('releaseSlot')).toHaveLength(1);
      const status = (await handle.query(statusQuery)) as Status;
      expect(status).toMatchObject({ phase: 'cancelled', cancellation: { outcome: 'not-submitted' } });
    });
  });

  it('queued, then granted: submitted once the grant comes, and the slot is given back at the end', async () => {
    await generation({ queueFor: () => true }, {}, async (handle, vidu) => {
      await statusWhen(handle, (s) => s.phase === 'waiting_for_slot');
      // A grant for an older request (ticket 0) must not open the gate.
      await handle.signal(slotGrantedSignal, 0);
      await handle.signal(slotGrantedSignal, 1);
      const result = (await handle.result()) as GenerationResult;
      expect(result.state).toBe('success');
      expect(vidu.callsOf('submitWhenAdmitted')).toHaveLength(2);
      expect(vidu.tasks.size).toBe(1);
      expect(vidu.callsOf('releaseSlot')).toHaveLength(1);
    });
  });

  it('cancelled while running: Vidu cancels the task, the workflow ends Cancelled', async () => {
    await generation(
      { callbacks: true, script: () => ({ state: 'success', polls: 'never' }) },
      {},
      async (handle, vidu) => {
        const { taskId } = await statusWhen(handle, (s) => s.phase === 'waiting');
        await handle.cancel();
        const cause = await failureOf(handle);
        expect(cause).toBeInstanceOf(CancelledFailure);
        expect(vidu.callsOf('cancelTask').map((c) => c.input)).toEqual([{ taskId, readAfter: true }]);
        const status = (await handle.query(statusQuery)) as Status;
        expect(status).toMatchObject({ phase: 'cancelled', state: 'failed', cancellation: { outcome: 'cancelled' } });
        expect(vidu.callsOf('archiveTask')).toHaveLength(0);
      },
    );
  });

  it('cancel refused (the task already runs): the paid result is still awaited and archived', async () => {
    await generation(
      { callbacks: true, cancel: 'refused', script: () => ({ state: 'success', polls: 2 }) },
      {},
      async (handle, vidu) => {
        await statusWhen(handle, (s) => s.phase === 'waiting');
        await handle.cancel();
        const result = (await handle.result()) as GenerationResult;
        expect(result).toMatchObject({ state: 'success', cancellation: { outcome: 'refused' } });
        expect(vidu.callsOf('cancelTask')).toHaveLength(1);
        expect(vidu.callsOf('archiveTask')).toHaveLength(1);
      },
    );
  });
});

describe('finishing', () => {
  it('options.upscale: a child upscale workflow is started from the first creation, its result joined', async () => {
    await generation({}, { upscale: { resolution: '1080p' } }, async (handle, vidu) => {
      const result = (await handle.result()) as GenerationResult;
      const upscale = result.upscale as GenerationResult;
      expect(upscale).toMatchObject({ kind: 'upscale', workflowId: `${handle.workflowId}~upscale`, state: 'success' });
      const staged = vidu
        .callsOf('stageInputs', upscale.workflowId)
        .map((c) => (c.input as { request: unknown }).request);
      expect(staged).toEqual([{ video_creation_id: result.creations[0]?.id, upscale_resolution: '1080p' }]);
      expect(upscale.taskId).not.toBe(result.taskId);
    });
  });

  it('options.archive false: nothing is archived', async () => {
    await generation({}, { archive: false }, async (handle, vidu) => {
      const result = (await handle.result()) as GenerationResult;
      expect(result.archive).toBeUndefined();
      expect(vidu.callsOf('archiveTask')).toHaveLength(0);
    });
  });
});
