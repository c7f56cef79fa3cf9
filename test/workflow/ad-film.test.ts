// The AD film (workflows/ad-film.ts and workflows/ad-film/, its edits as adFilmEdit children)
// under time skipping with stub activities (test/helpers/stub-activities.ts): edits that fail and
// are retried, review with the storyboards query and the requestEdits update, approve → compose,
// and a review nobody approves, in seconds and without the simulator.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdFilmEdit, AdFilmInput, AdFilmResult, AdFilmStatus } from '../../core/ad-film-types';
import { FailureType } from '../../core/failure-types';
import { adFilmStatusQuery, approveSignal, requestEditsUpdate, storyboardsQuery } from '../../core/workflow-messages';
import { failureOf } from '../helpers/temporal';
import { STUB_ACTIVITY_NAMES, StubVidu, type Scenario, type TaskScript } from '../helpers/stub-activities';
import { secondsSince, startFastWorker, workflowTime, type FastWorker } from '../helpers/time-skipping';

let fast: FastWorker;
const fileStarted = Date.now();

beforeAll(async () => {
  fast = await startFastWorker(STUB_ACTIVITY_NAMES);
});

afterAll(async () => {
  await fast?.close();
  process.stderr.write(`[time-skipping] test/workflow/ad-film.test.ts took ${secondsSince(fileStarted)} s\n`);
});

const request = {
  images: ['https://cdn.example/product.png'],
  prompt: 'a bottle of water on a beach',
  duration: 15,
  aspect_ratio: '16:9',
};

/** Starts adFilm on a worker with the stubs of `scenario`, runs `drive`, prints the workflow time it took. */
async function film<T>(
  scenario: Partial<Scenario>,
  input: Omit<AdFilmInput, 'request'>,
  drive: (handle: WorkflowHandle, vidu: StubVidu) => Promise<T>,
): Promise<T> {
  const vidu = new StubVidu(scenario);
  const workflowId = `adFilm-fast-${randomUUID()}`;
  fast.route(workflowId, vidu.activities());
  const wallStarted = Date.now();
  const handle = await fast.env.client.workflow.start('adFilm', {
    taskQueue: fast.taskQueue,
    workflowId,
    args: [{ request, ...input }],
  });
  try {
    return await drive(handle, vidu);
  } finally {
    process.stderr.write(
      `[time-skipping]   ${expect.getState().currentTestName}: ${await workflowTime(handle)} in ${secondsSince(wallStarted)} s\n`,
    );
  }
}

async function statusWhen(handle: WorkflowHandle, ready: (s: AdFilmStatus) => boolean): Promise<AdFilmStatus> {
  for (let i = 0; i < 200; i += 1) {
    const status = await handle.query(adFilmStatusQuery);
    if (ready(status)) return status;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `the film's status never reached the expected state; last: ${JSON.stringify(await handle.query(adFilmStatusQuery))}`,
  );
}

/** Edits' sub-tasks fail the first `failures` times for each edit track (e.g. `edit-video-1`), then succeed. */
const editsFailFirst =
  (failures: number) =>
  ({ kind, nth }: { kind: string; nth: number }): TaskScript =>
    kind.startsWith('edit-') && nth <= failures
      ? { state: 'failed', errCode: 'AuditFailed' }
      : { state: 'success', polls: 1 };

describe('edits given at start', () => {
  it('an edit Vidu fails is submitted again; the retried sub-task is the one composed', async () => {
    const edit: AdFilmEdit = { type: 'video', storyboard: 1, prompt: 'a wave washes over the bottle' };
    await film({ script: editsFailFirst(1) }, { edits: [edit] }, async (handle, vidu) => {
      const result = (await handle.result()) as AdFilmResult;
      const submits = vidu.callsOf('submitAdEdit');
      expect(submits).toHaveLength(2);
      // The second try knows the first sub-task, so its recovery cannot mistake it for its own.
      const [first, second] = submits.map((c) => c.input as { knownIds: string[] });
      const firstSubTask = result.edits[0]?.subTaskIds[0] as string;
      expect(first?.knownIds).not.toContain(firstSubTask);
      expect(second?.knownIds).toContain(firstSubTask);
      expect(result.edits).toEqual([
        expect.objectContaining({ edit, state: 'success', subTaskIds: [firstSubTask, expect.any(String)] }),
      ]);
      const retried = result.edits[0]?.subTaskIds[1];
      expect(result.videoTaskIds).toEqual([`${result.taskId}-sb0`, retried]);
      // The film (10) + both edit sub-tasks (10 each: a failed one may still be charged) + the composition (10).
      expect(result.credits).toBe(40);
      expect(vidu.callsOf('composeAdFilm')).toHaveLength(1);
    });
  });

  it('an edit that fails every try fails the film (no reviewer) before anything is composed', async () => {
    const edit: AdFilmEdit = { type: 'bgm', prompt: 'calm piano' };
    await film(
      { script: editsFailFirst(99) },
      { edits: [edit], options: { editAttempts: 2 } },
      async (handle, vidu) => {
        const cause = await failureOf(handle);
        expect(cause).toBeInstanceOf(ApplicationFailure);
        expect((cause as ApplicationFailure).type).toBe(FailureType.AdEditFailed);
        expect((cause as ApplicationFailure).message).toMatch(/failed 2 time\(s\); last err_code AuditFailed/);
        expect(vidu.callsOf('submitAdEdit')).toHaveLength(2);
        expect(vidu.callsOf('composeAdFilm')).toHaveLength(0);
      },
    );
  });

  it('an edit of a storyboard the film does not have fails the film as InvalidRequest, nothing edited', async () => {
    const edit: AdFilmEdit = { type: 'video', storyboard: 7, prompt: 'no such storyboard' };
    await film({}, { edits: [edit] }, async (handle, vidu) => {
      const cause = await failureOf(handle);
      expect((cause as ApplicationFailure).type).toBe(FailureType.InvalidRequest);
      expect((cause as ApplicationFailure).message).toMatch(/storyboard: the film has 2 storyboard\(s\), 0–1; got 7/);
      expect(vidu.callsOf('submitAdEdit')).toHaveLength(0);
    });
  });
});

describe('review mode', () => {
  it('storyboards query, an edit asked for with requestEdits, then approve → compose with the edited storyboard', async () => {
    await film({}, { options: { review: true } }, async (handle, vidu) => {
      const reviewing = await statusWhen(handle, (s) => s.phase === 'reviewing');
      const mainTaskId = reviewing.taskId as string;
      const before = await handle.query(storyboardsQuery);
      expect(before.map((s) => [s.index, s.subTaskId, s.edits])).toEqual([
        [0, `${mainTaskId}-sb0`, 0],
        [1, `${mainTaskId}-sb1`, 0],
      ]);

      // A refused edit never enters history: typed, with the problem.
      const refused = await handle
        .executeUpdate(requestEditsUpdate, { args: [[{ type: 'video', storyboard: 5, prompt: 'x' }]] })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(((refused as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe(FailureType.InvalidEdits);

      const accepted = await handle.executeUpdate(requestEditsUpdate, {
        args: [[{ type: 'video', storyboard: 1, prompt: 'sunset light' }]],
      });
      expect(accepted).toEqual({ accepted: 1 });
      await statusWhen(handle, (s) => s.edits.length === 1 && s.phase === 'reviewing');
      const after = await handle.query(storyboardsQuery);
      const edited = after[1];
      expect(edited).toMatchObject({
        index: 1,
        prompt: 'sunset light',
        state: 'success',
        edits: 1,
        lastEdit: 'success',
      });
      expect(edited?.subTaskId).not.toBe(`${mainTaskId}-sb1`);
      expect(vidu.callsOf('composeAdFilm')).toHaveLength(0);

      await handle.signal(approveSignal);
      const result = (await handle.result()) as AdFilmResult;
      expect(result.videoTaskIds).toEqual([`${mainTaskId}-sb0`, edited?.subTaskId]);
      expect(result.edits).toHaveLength(1);
      expect(result.archive?.files.length).toBeGreaterThan(0);
      expect((await handle.query(adFilmStatusQuery)).approved).toBe(true);
    });
  });

  it('no approval within the review timeout: ReviewTimedOut, nothing composed', async () => {
    await film({}, { options: { review: true, reviewTimeoutSeconds: 3600 } }, async (handle, vidu) => {
      const cause = await failureOf(handle);
      expect((cause as ApplicationFailure).type).toBe(FailureType.ReviewTimedOut);
      expect(vidu.callsOf('composeAdFilm')).toHaveLength(0);
    });
  });

  it('cancelled while an edit runs: the edit child cancels its sub-task at Vidu, the film ends Cancelled', async () => {
    const script = ({ kind }: { kind: string }): TaskScript =>
      kind.startsWith('edit-') ? { state: 'success', polls: 'never' } : { state: 'success' };
    await film({ script }, { options: { review: true } }, async (handle, vidu) => {
      await statusWhen(handle, (s) => s.phase === 'reviewing');
      await handle.executeUpdate(requestEditsUpdate, { args: [[{ type: 'bgm', prompt: 'jazz' }]] });
      await statusWhen(handle, (s) => s.editsRunning === 1);
      for (let i = 0; i < 200 && vidu.callsOf('submitAdEdit').length === 0; i += 1)
        await new Promise((r) => setTimeout(r, 50));
      const [edit] = [...vidu.tasks.values()].filter((t) => t.kind.startsWith('edit-'));
      await handle.cancel();
      expect(await failureOf(handle)).toBeInstanceOf(CancelledFailure);
      expect(vidu.callsOf('cancelTask').map((c) => (c.input as { taskId: string }).taskId)).toEqual([edit?.taskId]);
      expect(vidu.callsOf('composeAdFilm')).toHaveLength(0);
      expect((await handle.query(adFilmStatusQuery)).phase).toBe('cancelled');
      const child = await fast.env.client.workflow.getHandle(`${handle.workflowId}~edit-1-bgm`).describe();
      expect(child.status.name).toBe('CANCELLED');
    });
  });

  it('requestEdits on a film not in review mode is refused as NotReadyForReview, not retryable', async () => {
    await film({ callbacks: true, script: () => ({ state: 'success', polls: 'never' }) }, {}, async (handle) => {
      await statusWhen(handle, (s) => s.phase === 'generating');
      const refused = await handle
        .executeUpdate(requestEditsUpdate, { args: [[{ type: 'bgm', prompt: 'jazz' }]] })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
      const cause = (refused as WorkflowUpdateFailedError).cause as ApplicationFailure;
      expect(cause.type).toBe(FailureType.NotReadyForReview);
      expect(cause.nonRetryable).toBe(true);
      await handle.terminate('test over');
    });
  });
});
