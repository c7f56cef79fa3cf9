import { ApplicationFailure, CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import type { CreditsHeld } from '../../core/balance';
import type { BudgetWait, SubmitQueued } from '../../activities/admitted-submit';
import { FailureType } from '../../core/failure-types';
import type { StageResult } from '../../core/generation-types';
import { ViduKind, ViduModel, ViduOffPeak, ViduState, ViduTaskId } from '../../core/search-attributes';
import { isTerminal } from '../../core/task-snapshot';
import { paid, quick, stagingLocal } from '../common/activity-proxies';
import { budgetWaitOver, waitForBudget } from './budget';
import { unwrapTyped } from '../common/typed-failure';
import {
  DEFAULT_TIMEOUT_SECONDS,
  OFF_PEAK_TIMEOUT_SECONDS,
  cancelled,
  credits,
  describe,
  failed,
  type GenerationRun,
} from './state';

// The phases of a generation up to a terminal Vidu task, in the order runGeneration runs them,
// and what a failure or cancellation on the way does (`interrupted`).

/** Stage: checks the inputs before any credit is spent; the model and off-peak flag decide the wait. */
export async function stage(run: GenerationRun): Promise<StageResult> {
  const staged = await stagingLocal.stageInputs.executeWithOptions(
    { summary: `stage and check the inputs of ${run.kind}` },
    [{ kind: run.kind, workflowId: run.workflowId, request: run.request, options: run.options }],
  );
  run.offPeak = staged.offPeak;
  // The price before submission, computed by the stage activity (no command of its own).
  run.estimate = staged.estimate;
  if (staged.voice) run.voice = staged.voice;
  if (staged.estimate?.unpriced !== undefined) run.status.estimateUnpriced = staged.estimate.unpriced;
  else if (staged.estimate) run.status.estimatedCredits = staged.estimate.credits;
  run.metrics.setStaged(staged.model, run.offPeak);
  run.timeoutSeconds = run.options.timeoutSeconds ?? (run.offPeak ? OFF_PEAK_TIMEOUT_SECONDS : DEFAULT_TIMEOUT_SECONDS);
  // The client sets these at start; a workflow started by name elsewhere gets them here.
  run.attributes.set(
    { key: ViduKind, value: run.kind },
    { key: ViduOffPeak, value: staged.offPeak },
    ...(staged.model ? [{ key: ViduModel, value: staged.model }] : []),
  );
  return staged;
}

/**
 * Admit and submit: a slot under VIDU_MAX_IN_FLIGHT, then the submission, exactly once. One
 * activity asks for the slot and, when it is free, submits at once; a queued request waits durably
 * for its grant and submits then. Off-peak tasks take no slot from VIDU_MAX_IN_FLIGHT (their own
 * pool, uncapped by default). A cancellation during the submission waits for its outcome: it may
 * have been paid for.
 */
export async function admitAndSubmit(run: GenerationRun, staged: StageResult, step?: string): Promise<void> {
  run.status.phase = 'submitting';
  describe(run);
  let terms = run.slot.request(run.offPeak);
  const submit = () => {
    run.tracker.expectNewTask();
    return CancellationScope.nonCancellable(() =>
      paid.submitWhenAdmitted.executeWithOptions(
        { summary: `submit ${run.kind}${staged.model ? ` (${staged.model})` : ''} to Vidu once a slot is free` },
        [
          {
            kind: run.kind,
            workflowId: run.workflowId,
            request: staged.request,
            waitMode: run.options.waitMode ?? 'auto',
            admission: terms,
            // Only when given: without it the input is as it was (the default follows the priority).
            ...(run.options.onBudgetExceeded !== undefined ? { onBudgetExceeded: run.options.onBudgetExceeded } : {}),
            // A retry (options.onTaskFailure) is a new task: its own idempotency key.
            ...(step !== undefined ? { step } : {}),
          },
        ],
      ),
    );
  };
  let outcome = await submit();
  let submitted: Exclude<typeof outcome, SubmitQueued | CreditsHeld | BudgetWait> | undefined;
  let held = false;
  while (!submitted) {
    if ('held' in outcome) {
      held = true;
      // Held by a credits floor (issue 19 §3): nothing was sent, no slot held; ask again later.
      // Without a floor on the worker the answer is never `held`: nothing here enters history.
      await waitForCredits(run, outcome);
      terms = run.slot.request(run.offPeak);
      outcome = await submit();
    } else if ('budgetWait' in outcome) {
      // A budget it does not fit (options.onBudgetExceeded `wait`): nothing was reserved or sent;
      // wait for credits to settle back or the period to roll over, then ask again. Never without
      // budgets.
      await waitForBudget(run, outcome.budgetWait);
      outcome = await submit();
      if (!('budgetWait' in outcome)) await budgetWaitOver(run);
    } else if ('queued' in outcome) {
      if (outcome.budget) run.budget = outcome.budget;
      await run.slot.queuedAt(outcome.managerId, () => {
        run.status.phase = 'waiting_for_slot';
        run.metrics.waitingForSlot();
        run.attributes.set({ key: ViduState, value: 'waiting_for_slot' });
        describe(run);
      });
      run.status.phase = 'submitting';
      describe(run);
      // The manager now counts this workflow as a holder, so the same request is granted at once.
      outcome = await submit();
      if ('queued' in outcome) throw new Error(`the slot manager ${outcome.managerId} queued a request it had granted`);
      if ('budgetWait' in outcome) throw new Error(`the budget ledger refused a reservation it had made`);
      // A floor crossed while it queued: the slot goes back, and it waits like any held one (its
      // budget reservation stays: asking again under the same id counts it once).
      if ('held' in outcome) await run.slot.release();
      else submitted = outcome;
    } else {
      run.slot.grantedBy(outcome.slotManagerId);
      submitted = outcome;
    }
  }
  if (held) run.status.phase = 'submitting';
  run.metrics.slotWaitOver();
  if (submitted.budget) run.budget = submitted.budget;
  run.taskId = submitted.taskId;
  run.metrics.submitted();
  run.callbacks = submitted.callbackRegistered;
  run.status.taskId = submitted.taskId;
  run.status.waitMode = run.callbacks ? 'callback' : 'poll';
  run.attributes.set({ key: ViduTaskId, value: submitted.taskId });
  run.tracker.track({
    taskId: submitted.taskId,
    state: submitted.state,
    progress: 0,
    errCode: '',
    credits: submitted.credits,
    creations: [],
    source: 'submit',
  });
  run.status.phase = 'waiting';
  describe(run);
}

/** Held by a credits floor: shown as `waiting_for_credits` until the next look (the watch's interval, at most a minute). */
async function waitForCredits(run: GenerationRun, held: CreditsHeld): Promise<void> {
  if (run.status.phase !== 'waiting_for_credits') {
    run.status.phase = 'waiting_for_credits';
    run.attributes.set({ key: ViduState, value: 'waiting_for_credits' });
    describe(run);
  }
  await sleep(held.recheckSeconds * 1000);
}

/** Wait: until the task is terminal; past the deadline, one last look, then cancel at Vidu and fail. */
export async function waitOrGiveUp(run: GenerationRun): Promise<void> {
  const id = run.taskId as string;
  const { callbacks, offPeak, timeoutSeconds } = run;
  if (await run.tracker.waitForTerminal(id, { callbacks, offPeak, timeoutSeconds, poll: run.options.poll })) return;
  // One last look: the answer may have been lost rather than late.
  run.tracker.apply(
    await quick.fetchTask.executeWithOptions({ summary: `final check of task ${id}` }, [{ taskId: id }]),
  );
  if (isTerminal(run.snapshot?.state)) return;
  const outcome = cancelled(
    run,
    await CancellationScope.nonCancellable(() =>
      quick.cancelTask.executeWithOptions({ summary: `cancel overdue task ${id}` }, [{ taskId: id, readAfter: true }]),
    ),
  );
  run.status.error = `did not finish within ${timeoutSeconds} s`;
  const failure = ApplicationFailure.create({
    type: offPeak ? FailureType.OffPeakExpired : FailureType.ViduTimeout,
    message: `${offPeak ? 'off-peak ' : ''}Vidu task ${id} did not finish within ${timeoutSeconds} s (state ${run.snapshot?.state}); cancel: ${outcome.outcome}`,
    nonRetryable: true,
    details: [{ taskId: id, state: run.snapshot?.state, cancellation: outcome }],
  });
  failed(run, failure);
  throw failure;
}

/**
 * A failure gives the slot back and surfaces typed. A cancellation asks Vidu to cancel: the run
 * ends Cancelled unless Vidu refused (the task already runs), in which case its credits are
 * spent either way, so the result is still awaited and archived rather than lost.
 */
export async function interrupted(run: GenerationRun, err: unknown): Promise<void> {
  if (!isCancellation(err)) {
    const typed = unwrapTyped(err);
    failed(run, typed);
    await run.slot.release();
    throw typed;
  }
  try {
    await cancelAtVidu(run, err);
  } finally {
    if (run.status.phase !== 'waiting') await run.slot.release();
  }
  try {
    await CancellationScope.nonCancellable(() => waitOrGiveUp(run));
  } finally {
    await run.slot.release();
  }
}

/** Rethrows the cancellation unless Vidu refused it; then the caller keeps waiting. */
async function cancelAtVidu(run: GenerationRun, cancellation: unknown): Promise<void> {
  run.status.phase = 'cancelling';
  const taskId = run.taskId;
  const outcome = cancelled(
    run,
    await CancellationScope.nonCancellable(() =>
      taskId === undefined
        ? Promise.resolve({ outcome: 'not-submitted' as const, message: 'cancelled before anything was sent to Vidu' })
        : quick.cancelTask.executeWithOptions({ summary: `cancel Vidu task ${taskId}` }, [{ taskId, readAfter: true }]),
    ),
  );
  describe(run);
  if (outcome.outcome === 'cancelled' || outcome.outcome === 'not-submitted') {
    run.status.phase = 'cancelled';
    run.attributes.set({ key: ViduState, value: 'cancelled' });
    run.metrics.taskOver(credits(run).charged);
    describe(run);
    throw cancellation;
  }
  run.status.phase = 'waiting';
}
