import type { OnTaskFailure, StageResult, TaskAttempt } from '../../core/generation-types';
import { classifyTaskFailure } from '../../vidu/errors';
import { credits, describe, isOffPeakRefund, type GenerationRun } from './state';

// options.onTaskFailure (README, "Retry policy"): after a terminal task, whether to submit a new
// one and with what. Each err_code is classified once in vidu/errors.ts (docs/vidu-api.md §9.1).
// Without a policy nothing here runs a command or touches the status, so a run without one issues
// exactly the commands it did before (test/workflow/replay*.test.ts). Generation types are pinned
// (README, "Upgrading"), so a run with a policy never replays on code from before it existed.

/** Vidu's seed range (vidu/schemas/options.ts SEED_MAX); a literal here keeps zod out of the bundle. */
const SEED_MAX = 2_147_483_647;

/** The next submission: the request to send and the step its idempotency key is derived from. */
export interface NextAttempt {
  staged: StageResult;
  /** activities/idempotency.ts clientRequestIdFor(workflowId, step): one key per attempt, never sent twice. */
  step: string;
}

/** What a run remembers of its retries. */
export interface RetryMemory {
  readonly policy: OnTaskFailure;
  readonly attempts: TaskAttempt[];
  /** The request of the current attempt (model and seed may differ from the first). */
  current: StageResult;
  /** Index into policy.fallbackModels of the next model to try. */
  nextFallback: number;
  /** An undocumented err_code is retried at most once in a run. */
  unknownRetried: boolean;
}

export function openRetries(policy: OnTaskFailure | undefined, staged: StageResult): RetryMemory | undefined {
  return policy ? { policy, attempts: [], current: staged, nextFallback: 0, unknownRetried: false } : undefined;
}

/**
 * Records the task that just ended (policy given only) and says what to submit next, if anything:
 * undefined when it succeeded, when the policy's attempts are used up, or when its err_code is not
 * worth a new task under this policy. Sets the earlier tasks' credits aside for the total.
 */
export function nextAttempt(run: GenerationRun, memory: RetryMemory | undefined): NextAttempt | undefined {
  if (!memory || run.snapshot === undefined || run.taskId === undefined) return undefined;
  const done = run.snapshot;
  const charged = credits(run).charged;
  memory.attempts.push({
    taskId: run.taskId,
    model: modelOf(memory.current),
    ...seedOf(memory.current),
    errCode: done.state === 'failed' ? done.errCode : '',
    credits: charged,
  });
  run.status.attempts = [...memory.attempts];
  describe(run);
  if (done.state !== 'failed' || memory.attempts.length >= memory.policy.attempts) return undefined;
  // Off-peak work Vidu could not run within its 48 h window (an undocumented code, state.ts
  // isOffPeakRefund) is refunded and surfaced (OffPeakRefunded), not queued for another 48 h.
  const failure = classifyTaskFailure(done.errCode);
  if (run.offPeak && isOffPeakRefund(done) && failure.unknown) return undefined;
  const request = changedRequest(memory, failure);
  if (!request) return undefined;
  // The ended task is over (metrics count each task); the next one starts from a clean slate.
  run.metrics.taskOver(charged);
  run.metrics.retried(modelOf(memory.current), ...retryLabels(done.errCode, failure));
  run.creditsEarlier += charged;
  // No task is current until the next is submitted: a cancellation meanwhile has nothing to cancel
  // at Vidu and ends the run cancelled (phases.ts cancelAtVidu), not waiting on the failed task.
  run.snapshot = undefined;
  run.taskId = undefined;
  run.creditsSeen = 0;
  delete run.status.errCode;
  delete run.status.creditsRefunded;
  memory.current = {
    ...memory.current,
    request,
    ...(typeof request.model === 'string' ? { model: request.model } : {}),
  };
  return { staged: memory.current, step: `submit-attempt-${memory.attempts.length + 1}` };
}

/** The retry metric's err_code and retry labels: bounded (a catalogue code or `unknown`). */
function retryLabels(errCode: string, failure: TaskFailure): [string, string] {
  const code = failure.unknown ? 'unknown' : errCode;
  return [code, failure.retry === 'never' ? 'input-refused' : failure.retry];
}

/** What vidu/errors.ts's catalogue says of a failed task's err_code. */
type TaskFailure = ReturnType<typeof classifyTaskFailure>;

/** The request of the next attempt for this err_code, or undefined when the policy does not retry it. */
function changedRequest(memory: RetryMemory, failure: TaskFailure): Record<string, unknown> | undefined {
  const { policy } = memory;
  const request = memory.current.request;
  switch (failure.retry) {
    case 'same':
      if (failure.unknown) {
        if (memory.unknownRetried) return undefined;
        memory.unknownRetried = true;
      }
      return request;
    case 'reseed':
      // Workflow Math.random is seeded by the run: the same seed on replay, a new one per attempt.
      return policy.reseed === false ? undefined : { ...request, seed: 1 + Math.floor(Math.random() * SEED_MAX) };
    case 'other-model': {
      const model = policy.fallbackModels?.[memory.nextFallback];
      if (model === undefined) return undefined;
      memory.nextFallback += 1;
      return { ...request, model };
    }
    case 'never':
      return failure.refusedInput !== undefined && policy.retryInputRefusals === true ? request : undefined;
  }
}

function modelOf(staged: StageResult): string {
  return staged.model ?? (typeof staged.request.model === 'string' ? staged.request.model : '');
}

/** The seed sent, as a number (the CN schema sends it as a string: docs/vidu-api.md §12 item 3). */
function seedOf(staged: StageResult): { seed?: number } {
  const seed = Number(staged.request.seed);
  return staged.request.seed !== undefined && Number.isInteger(seed) ? { seed } : {};
}
