import { z } from 'zod';

// How many workflows one worker keeps in memory, and how long a task for one of them may wait for
// this worker before any worker may take it. Both decide whether a worker with thousands of
// generations waiting at Vidu stays within its memory and takes every task it is sent.
//
// - The SDK's default cache is sized from the V8 heap limit (600 workflows per GiB above 200 MiB):
//   2,310 on a machine with a 4 GiB heap, at about 0.3 MiB of RSS each, so a worker with 10,000
//   generations waiting would pass 1 GiB. A fixed cache bounds memory whatever the heap limit;
//   a workflow that is not cached is replayed from its history (a few dozen events) on its next
//   task, which costs CPU but no failure.
// - The SDK's sticky timeout is 10 s: a task queued for this worker (the one that has the workflow
//   cached) that waits longer is timed out (a WorkflowTaskTimedOut event, SCHEDULE_TO_START) and
//   moved to the shared queue. When thousands of callbacks arrive at once, one worker needs more
//   than 10 s to work through them, so nearly every generation got one such event. A worker that
//   stops is not waited for that long: on shutdown the SDK hands its queued tasks back at once, and
//   after a crash the server sends new tasks to the shared queue once the worker has not polled for
//   10 s; only the tasks already queued for the crashed worker wait out the timeout.

export const workflowTuningEnv = {
  VIDU_FLOW_MAX_CACHED_WORKFLOWS: z.coerce
    .number()
    .int('must be a whole number')
    .refine((n) => n === 0 || n >= 2, 'must be 0 (no cache: every task replays its history) or at least 2')
    .default(1000),
  VIDU_FLOW_STICKY_TIMEOUT_SECONDS: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').default(120),
};

/** The variables of this file, for WORKER_ENV_VARS and the bench's record of a run's settings. */
export const WORKFLOW_TUNING_ENV_VARS: readonly string[] = Object.keys(workflowTuningEnv);

export interface WorkflowTuning {
  /** Worker.create's maxCachedWorkflows. */
  maxCachedWorkflows: number;
  /** Worker.create's stickyQueueScheduleToStartTimeout, in ms. */
  stickyQueueScheduleToStartTimeout: number;
}

export function workflowTuning(e: { VIDU_FLOW_MAX_CACHED_WORKFLOWS: number; VIDU_FLOW_STICKY_TIMEOUT_SECONDS: number }): WorkflowTuning {
  return {
    maxCachedWorkflows: e.VIDU_FLOW_MAX_CACHED_WORKFLOWS,
    stickyQueueScheduleToStartTimeout: e.VIDU_FLOW_STICKY_TIMEOUT_SECONDS * 1000,
  };
}
