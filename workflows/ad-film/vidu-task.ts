import { ApplicationFailure } from '@temporalio/workflow';
import { FailureType } from '../../core/failure-types';
import type { TaskSnapshot } from '../../core/generation-types';
import { quick } from '../common/activity-proxies';
import type { FilmRun } from './state';

/** What Vidu answered when a paid task (the film, the composition) was created. */
export interface Submitted {
  taskId: string;
  state: TaskSnapshot['state'];
  credits: number;
  callbackRegistered: boolean;
}

/** Starts following a task just created at Vidu. */
export function trackSubmitted(film: FilmRun, task: Submitted): void {
  film.tracker.track({
    taskId: task.taskId,
    state: task.state,
    progress: 0,
    errCode: '',
    credits: task.credits,
    creations: [],
    source: 'submit',
  });
}

/** Waits for one of the film's own Vidu tasks; a failure or a timeout (after cancelling it) fails the film. */
export async function awaitTask(
  film: FilmRun,
  taskId: string,
  callbacks: boolean,
  what: string,
): Promise<TaskSnapshot> {
  const { tracker, timeoutSeconds } = film;
  const finished = await tracker.waitForTerminal(taskId, {
    callbacks,
    timeoutSeconds,
    poll: film.options.poll,
    summary: `wait for ${what} (task ${taskId})`,
  });
  if (!finished) {
    tracker.apply(await quick.fetchTask.executeWithOptions({ summary: `final check of task ${taskId}` }, [{ taskId }]));
  }
  const done = tracker.get(taskId) as TaskSnapshot;
  if (done.state === 'success') return done;
  if (done.state === 'failed') {
    throw ApplicationFailure.create({
      type: FailureType.ViduTaskFailed,
      message: `${what} (Vidu task ${taskId}) failed with err_code ${done.errCode || '(none)'}`,
      nonRetryable: true,
      details: [{ taskId, errCode: done.errCode, credits: done.credits }],
    });
  }
  await quick.cancelTask.executeWithOptions({ summary: `cancel overdue task ${taskId}` }, [{ taskId }]);
  throw ApplicationFailure.create({
    type: FailureType.ViduTimeout,
    message: `${what} (Vidu task ${taskId}) did not finish within ${timeoutSeconds} s`,
    nonRetryable: true,
    details: [{ taskId, state: done.state }],
  });
}
