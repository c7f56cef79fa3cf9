import { activityInfo, ApplicationFailure, getClient, heartbeat } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import type { ViduClient } from '../vidu/client';
import { taskUpdateSignal } from '../workflows/messages';
import { pollDelaySeconds, type PollSchedule } from '../workflows/poll-schedule';
import { isTerminal, toSnapshot } from '../workflows/task-snapshot';
import type { TaskSnapshot } from '../workflows/types';
import { toApplicationFailure } from './failures';

export interface PollInput {
  taskId: string;
  workflowId: string;
  schedule: PollSchedule;
  /** Poll-only mode: forward state changes to the workflow so its `status` query stays current. */
  notifyWorkflow: boolean;
}

interface PollHeartbeat {
  state: string;
  progressQuarter: number;
}

export function makePollActivities(deps: { vidu: ViduClient }) {
  async function fetchTask(input: { taskId: string }): Promise<TaskSnapshot> {
    let body;
    try {
      body = await deps.vidu.getCreations(input.taskId);
    } catch (err) {
      throw toApplicationFailure(err, `get task ${input.taskId}`);
    }
    const snapshot = toSnapshot(body, 'poll', input.taskId);
    if (!snapshot) throw new Error(`Vidu returned a task without a known state for ${input.taskId}`);
    return snapshot;
  }

  /**
   * One poll per attempt: returns when the task is terminal, otherwise fails benignly so that
   * Temporal retries it after the schedule's next delay. Retries add no history events.
   */
  async function pollTask(input: PollInput): Promise<TaskSnapshot> {
    const info = activityInfo();
    const nextDelay = `${pollDelaySeconds(input.schedule, info.attempt)}s`;
    let snapshot: TaskSnapshot;
    try {
      snapshot = await fetchTask({ taskId: input.taskId });
    } catch (err) {
      if (err instanceof ApplicationFailure && err.nonRetryable) throw err;
      throw ApplicationFailure.create({
        type: 'PollFailed',
        message: err instanceof Error ? err.message : String(err),
        nextRetryDelay: nextDelay,
      });
    }
    if (isTerminal(snapshot.state)) return snapshot;

    if (input.notifyWorkflow) {
      const seen = info.heartbeatDetails as PollHeartbeat | undefined;
      const now: PollHeartbeat = { state: snapshot.state, progressQuarter: Math.floor(snapshot.progress / 25) };
      if (!seen || seen.state !== now.state || seen.progressQuarter !== now.progressQuarter) {
        await getClient().workflow.getHandle(input.workflowId).signal(taskUpdateSignal, snapshot);
      }
      heartbeat(now);
    }
    throw ApplicationFailure.create({
      type: 'TaskNotFinished',
      message: `task ${input.taskId} is ${snapshot.state} (${snapshot.progress}%); next poll in ${nextDelay}`,
      nextRetryDelay: nextDelay,
      category: ApplicationFailureCategory.BENIGN,
      details: [{ state: snapshot.state, progress: snapshot.progress }],
    });
  }

  return { fetchTask, pollTask };
}
