import { z } from 'zod';

// How many workflows one worker keeps in memory, how long a task for one of them may wait for this
// worker before any worker may take it, and how many workflow tasks it takes at once. They decide
// whether a worker with thousands of generations waiting at Vidu stays within its memory and
// answers every task it is sent in time.
//
// - The SDK's default cache is sized from the V8 heap limit (600 workflows per GiB above 200 MiB):
//   2,310 on a machine with a 4 GiB heap, at about 0.3 MiB of RSS each, so a worker with 10,000
//   generations waiting would pass 1 GiB. A fixed cache bounds memory whatever the heap limit;
//   a workflow that is not cached is replayed from its history (a few dozen events) on its next
//   task, which costs CPU but no failure.
// - The SDK's sticky timeout is 10 s: a task queued for this worker (the one that has the workflow
//   cached) that waits longer is timed out (a WorkflowTaskTimedOut event, SCHEDULE_TO_START) and
//   moved to the shared queue. When thousands of callbacks arrive at once, one worker needs more
//   than 10 s to work through them: with 2,000 finishing at once, 1,959 of 2,000 generations got
//   one such event (with 300 s: none). On shutdown the SDK hands its queued tasks back at once;
//   after a crash its workflows stall up to this timeout, hence the short default below.
// - Workflow tasks at once: the SDK takes 40, but runs their code on one thread; on a starved
//   machine the last of 40 taken tasks may not be answered within the workflow task timeout (10 s,
//   a TIMED_OUT START_TO_CLOSE event and a retry: 114 in one run of 2,000). Tasks not yet taken
//   wait on the server instead (8: none). More help only with a distant Temporal (each task holds
//   its slot for a round trip) on a machine with CPU to spare.

export const workflowTuningEnv = {
  VIDU_FLOW_MAX_CACHED_WORKFLOWS: z.coerce
    .number()
    .int('must be a whole number')
    .refine((n) => n === 0 || n >= 2, 'must be 0 (no cache: every task replays its history) or at least 2')
    .default(1000),
  // The SDK's 10 s: a crashed worker's queued tasks (and, on this dev server, tasks scheduled for it
  // after the crash: test/e2e/generation.test.ts, "survives a worker SIGKILL") wait this long
  // before another worker may take them. A longer value saves replays on a saturated worker
  // at the cost of that stall; it is the operator's trade to make.
  VIDU_FLOW_STICKY_TIMEOUT_SECONDS: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(10),
  VIDU_FLOW_MAX_WORKFLOW_TASKS: z.coerce.number().int('must be a whole number').min(2, 'must be at least 2').default(8),
};

/** The variables of this file, for WORKER_ENV_VARS and the bench's record of a run's settings. */
export const WORKFLOW_TUNING_ENV_VARS: readonly string[] = Object.keys(workflowTuningEnv);

export interface WorkflowTuning {
  /** Worker.create's maxCachedWorkflows. */
  maxCachedWorkflows: number;
  /** Worker.create's stickyQueueScheduleToStartTimeout, in ms. */
  stickyQueueScheduleToStartTimeout: number;
  /** Worker.create's maxConcurrentWorkflowTaskExecutions. */
  maxConcurrentWorkflowTaskExecutions: number;
}

export function workflowTuning(e: {
  VIDU_FLOW_MAX_CACHED_WORKFLOWS: number;
  VIDU_FLOW_STICKY_TIMEOUT_SECONDS: number;
  VIDU_FLOW_MAX_WORKFLOW_TASKS: number;
}): WorkflowTuning {
  return {
    maxCachedWorkflows: e.VIDU_FLOW_MAX_CACHED_WORKFLOWS,
    stickyQueueScheduleToStartTimeout: e.VIDU_FLOW_STICKY_TIMEOUT_SECONDS * 1000,
    // The SDK caps it at the cache size itself (with a warning); with no cache any number works.
    maxConcurrentWorkflowTaskExecutions:
      e.VIDU_FLOW_MAX_CACHED_WORKFLOWS > 0
        ? Math.min(e.VIDU_FLOW_MAX_WORKFLOW_TASKS, e.VIDU_FLOW_MAX_CACHED_WORKFLOWS)
        : e.VIDU_FLOW_MAX_WORKFLOW_TASKS,
  };
}
