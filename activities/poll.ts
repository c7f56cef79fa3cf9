import { activityInfo, ApplicationFailure, getClient } from '@temporalio/activity';
import { heartbeat } from './heartbeats';
import { ApplicationFailureCategory } from '@temporalio/common';
import type { ViduClient } from '../vidu/client';
import { taskUpdateSignal } from '../core/workflow-messages';
import { pollDelaySeconds, type PollSchedule } from '../core/poll-schedule';
import { isTerminal, isUnknownStateReading, readTask, type TaskReading } from '../core/task-snapshot';
import type { TaskUpdate } from '../core/task-update';
import type { TaskSnapshot } from '../core/generation-types';
import { toApplicationFailure } from './failures';
import { RetryableFailureType } from '../core/failure-types';

// The execution of the waiting poll. Which schedule applies when, and how the activity's retry
// policy is that schedule: the header of core/poll-schedule.ts.

export interface PollInput {
  taskId: string;
  workflowId: string;
  schedule: PollSchedule;
  /** Poll-only mode: forward state changes to the workflow so its `status` query stays current. */
  notifyWorkflow: boolean;
  /**
   * Callbacks expected: the first attempt asks Vidu nothing (a task just submitted is not done)
   * and only schedules the first real poll `initialSeconds` later, so a generation whose
   * callback arrives costs the submission and the one confirming Get Generation, no more.
   */
  skipFirstPoll?: boolean;
}

interface PollHeartbeat {
  state: string;
  progressQuarter: number;
}

export function makePollActivities(deps: { vidu: ViduClient }) {
  /**
   * Get Generation. A state this contract does not know comes back as such (the workflow counts
   * it and keeps waiting), never as a failure.
   */
  async function fetchTask(input: { taskId: string }): Promise<TaskReading> {
    let body;
    try {
      body = await deps.vidu.getCreations(input.taskId);
    } catch (err) {
      throw toApplicationFailure(err, `get task ${input.taskId}`);
    }
    const reading = readTask(body, 'poll', input.taskId);
    if (!reading) throw new Error(`Vidu returned a task without a state for ${input.taskId}`);
    return reading;
  }

  /**
   * One poll per attempt: returns when the task is terminal (that snapshot is the truth: the
   * workflow needs no further Get), otherwise fails benignly so that Temporal retries it after the
   * schedule's next delay. Retries add no history events. Only small non-terminal updates are
   * signalled (poll-only mode, and unknown states in every mode), never creations or credits.
   */
  async function pollTask(input: PollInput): Promise<TaskSnapshot> {
    const info = activityInfo();
    const nextDelay = `${pollDelaySeconds(input.schedule, info.attempt)}s`;
    if (input.skipFirstPoll && info.attempt === 1) {
      throw ApplicationFailure.create({
        type: RetryableFailureType.TaskNotFinished,
        message: `task ${input.taskId} was just submitted; first fallback poll in ${nextDelay}`,
        nextRetryDelay: nextDelay,
        category: ApplicationFailureCategory.BENIGN,
      });
    }
    let reading: TaskReading;
    try {
      reading = await fetchTask({ taskId: input.taskId });
    } catch (err) {
      if (err instanceof ApplicationFailure && err.nonRetryable) throw err;
      throw ApplicationFailure.create({
        type: RetryableFailureType.PollFailed,
        message: err instanceof Error ? err.message : String(err),
        nextRetryDelay: nextDelay,
      });
    }
    const unknown = isUnknownStateReading(reading);
    if (!isUnknownStateReading(reading) && isTerminal(reading.state)) return reading;
    const { state, progress } = isUnknownStateReading(reading) ? { state: reading.unknownState, progress: 0 } : reading;

    if (input.notifyWorkflow || unknown) {
      const seen = info.heartbeatDetails as PollHeartbeat | undefined;
      const now: PollHeartbeat = { state, progressQuarter: Math.floor(progress / 25) };
      if (!seen || seen.state !== now.state || seen.progressQuarter !== now.progressQuarter) {
        const update: TaskUpdate = { taskId: input.taskId, state, progress };
        await getClient().workflow.getHandle(input.workflowId).signal(taskUpdateSignal, update);
      }
      heartbeat(now);
    }
    throw ApplicationFailure.create({
      type: RetryableFailureType.TaskNotFinished,
      message: `task ${input.taskId} is ${state} (${progress}%); next poll in ${nextDelay}`,
      nextRetryDelay: nextDelay,
      category: ApplicationFailureCategory.BENIGN,
      details: [{ state, progress }],
    });
  }

  return { fetchTask, pollTask };
}
