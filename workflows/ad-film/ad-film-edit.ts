import {
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  isCancellation,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { AdFilmEdit, EditOutcome } from '../../core/ad-film-types';
import type { FilmKindName } from '../../core/film-kinds';
import { FailureType } from '../../core/failure-types';
import { paid, quick } from '../common/activity-proxies';
import { AdmissionSlot } from '../admission/admission-slot';
import { refuseUnkeepableStart } from '../common/own-id';
import { TaskTracker } from '../generation/task-tracker';
import type { PollScheduleOptions, Priority, WaitMode } from '../../core/generation-types';

export interface AdFilmEditInput {
  mainTaskId: string;
  edit: AdFilmEdit;
  /** Sub-task ids that existed before this edit. */
  knownIds: string[];
  attempts: number;
  waitMode: WaitMode;
  priority?: Priority;
  poll?: PollScheduleOptions;
  timeoutSeconds: number;
  /** The film the edit belongs to (core/film-kinds.ts); absent: the AD film. */
  film?: FilmKindName;
}

export const editProgressQuery = defineQuery<{ attempt: number; subTaskIds: string[]; state: string }>('status');

export function describeEdit(edit: AdFilmEdit): string {
  return edit.type === 'video'
    ? `storyboard ${edit.storyboard}`
    : edit.type === 'narration'
      ? 'the narration'
      : 'the BGM';
}

/**
 * One AD-film edit as its own child workflow, so each shows on its own in the Web UI: submit the
 * edit, wait for its sub-task, and resubmit a bounded number of times when Vidu fails it.
 * Cancelling it cancels the sub-task at Vidu.
 */
export async function adFilmEdit(input: AdFilmEditInput): Promise<EditOutcome> {
  refuseUnkeepableStart();
  const { workflowId } = workflowInfo();
  const tracker = new TaskTracker();
  const subTaskIds: string[] = [];
  let attempt = 0;
  let current: string | undefined;
  setHandler(editProgressQuery, () => ({
    attempt,
    subTaskIds,
    state: current ? (tracker.get(current)?.state ?? 'created') : 'not_submitted',
  }));

  const slot = new AdmissionSlot(input.priority ?? 'interactive');
  let lastErrCode = '';
  // What Vidu reported for every sub-task this edit created (a failed one may still be charged).
  const creditsSpent = (): number => subTaskIds.reduce((sum, id) => sum + (tracker.get(id)?.credits ?? 0), 0);
  for (attempt = 1; attempt <= input.attempts; attempt += 1) {
    try {
      await slot.acquire(`the edit of ${describeEdit(input.edit)}`);
    } catch (err) {
      await slot.release();
      throw err;
    }
    tracker.expectNewTask();
    const submitted = await CancellationScope.nonCancellable(() =>
      paid.submitAdEdit.executeWithOptions(
        { summary: `submit the edit of ${describeEdit(input.edit)} (try ${attempt} of ${input.attempts})` },
        [
          {
            workflowId,
            mainTaskId: input.mainTaskId,
            edit: input.edit,
            knownIds: [...input.knownIds, ...subTaskIds],
            waitMode: input.waitMode,
            ...(input.film ? { film: input.film } : {}),
          },
        ],
      ),
    );
    current = submitted.taskId;
    subTaskIds.push(submitted.taskId);
    tracker.track({
      taskId: submitted.taskId,
      state: submitted.state,
      progress: 0,
      errCode: '',
      credits: submitted.credits,
      creations: [],
      source: 'submit',
    });
    try {
      const finished = await tracker.waitForTerminal(submitted.taskId, {
        callbacks: submitted.callbackRegistered,
        timeoutSeconds: input.timeoutSeconds,
        poll: input.poll,
        summary: `wait for the edit of ${describeEdit(input.edit)} (sub-task ${submitted.taskId})`,
      });
      if (!finished) {
        lastErrCode = 'Timeout';
        await quick.cancelTask.executeWithOptions({ summary: `cancel overdue sub-task ${submitted.taskId}` }, [
          { taskId: submitted.taskId },
        ]);
        await slot.release();
        continue;
      }
    } catch (err) {
      if (isCancellation(err)) {
        await CancellationScope.nonCancellable(() =>
          quick.cancelTask.executeWithOptions({ summary: `cancel sub-task ${submitted.taskId}` }, [
            { taskId: submitted.taskId },
          ]),
        );
      }
      await slot.release();
      throw err;
    }
    await slot.release();
    const done = tracker.get(submitted.taskId);
    if (done?.state === 'success') return { edit: input.edit, state: 'success', subTaskIds, credits: creditsSpent() };
    lastErrCode = done?.errCode ?? '';
  }
  throw ApplicationFailure.create({
    type: FailureType.AdEditFailed,
    message: `the edit of ${describeEdit(input.edit)} failed ${input.attempts} time(s); last err_code ${lastErrCode || '(none)'}`,
    nonRetryable: true,
    details: [{ edit: input.edit, subTaskIds, credits: creditsSpent(), errCode: lastErrCode }],
  });
}
