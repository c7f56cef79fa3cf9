import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  executeChild,
  isCancellation,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { AdmissionSlot } from './admission-slot';
import { FailureType, NON_RETRYABLE_FAILURES } from './failures';
import { GenerationMetrics } from './metrics';
import { statusQuery } from './messages';
import { ViduCredits, ViduKind, ViduModel, ViduOffPeak, ViduState, ViduTaskId } from './search-attributes';
import { isTerminal } from './task-snapshot';
import { archiving, paid, quick, staging } from './activity-proxies';
import { TaskTracker } from './task-tracker';
import { noteStatus } from './webhook-updates';
import type {
  ArchiveResult,
  CancellationOutcome,
  GenerationInput,
  GenerationKind,
  GenerationOptions,
  GenerationResult,
  GenerationStatus,
  TaskSnapshot,
} from './types';

/** Default wait budget of a normal (not off-peak) task; Vidu usually needs minutes. */
export const DEFAULT_TIMEOUT_SECONDS = 6 * 3600;
/** Off-peak: Vidu's 48 h window plus a grace for late callbacks and the final check. */
export const OFF_PEAK_TIMEOUT_SECONDS = 48 * 3600 + 2 * 3600;

/**
 * One generation: stage → submit → await → archive. Shared by the four generation workflow types.
 */
export async function runGeneration(kind: GenerationKind, input: GenerationInput): Promise<GenerationResult> {
  const metrics = new GenerationMetrics(kind, input.options?.priority ?? 'interactive');
  return metrics.around(() => generate(kind, input, metrics));
}

async function generate(kind: GenerationKind, input: GenerationInput, metrics: GenerationMetrics): Promise<GenerationResult> {
  const { workflowId } = workflowInfo();
  const options = input.options ?? {};
  const status: GenerationStatus = { kind, phase: 'staging', state: 'not_submitted', progress: 0, updates: 0 };
  let snapshot: TaskSnapshot | undefined;
  let taskId: string | undefined;
  let lastUpsertedState: string | undefined;

  const tracker = new TaskTracker((next) => {
    snapshot = next;
    status.updates = tracker.updates;
    status.state = snapshot.state;
    status.progress = snapshot.progress;
    status.credits = snapshot.credits;
    if (snapshot.errCode) status.errCode = snapshot.errCode;
    if (snapshot.state !== lastUpsertedState) {
      lastUpsertedState = snapshot.state;
      upsertSearchAttributes([
        { key: ViduState, value: snapshot.state },
        { key: ViduCredits, value: snapshot.credits },
      ]);
    }
    describe();
  });

  const describe = (): void => {
    const lines = [`**${kind}** · phase \`${status.phase}\` · Vidu state \`${status.state}\` · ${status.progress}%`];
    if (taskId) lines.push(`Vidu task \`${taskId}\` · ${status.credits ?? 0} credits · wait mode ${status.waitMode ?? '?'}`);
    if (status.archive) lines.push(`Archived ${status.archive.files.length} file(s) to \`${status.archive.root}\``);
    if (status.cancellation) lines.push(`Cancellation: ${status.cancellation.outcome} — ${status.cancellation.message}`);
    setCurrentDetails(lines.join('\n\n'));
    noteStatus(statusNow);
  };

  const statusNow = () => ({ ...status, updates: tracker.updates, ...tracker.counters });
  setHandler(statusQuery, statusNow);

  // Admission control (VIDU_MAX_IN_FLIGHT): a slot before submitting, given back when the task is over.
  const slot = new AdmissionSlot(options.priority ?? 'interactive');
  const releaseSlot = () => slot.release();

  /**
   * Asks Vidu to cancel. Rethrows the cancellation (the run ends Cancelled in Temporal) unless
   * Vidu refused, in which case it returns and the caller keeps waiting.
   */
  const cancelAtVidu = async (cancellation: unknown): Promise<void> => {
    status.phase = 'cancelling';
    const outcome: CancellationOutcome = await CancellationScope.nonCancellable(() =>
      taskId === undefined
        ? Promise.resolve({ outcome: 'not-submitted' as const, message: 'cancelled before anything was sent to Vidu' })
        : quick.cancelTask.executeWithOptions({ summary: `cancel Vidu task ${taskId}` }, [{ taskId }]),
    );
    status.cancellation = outcome;
    describe();
    if (outcome.outcome === 'cancelled' || outcome.outcome === 'not-submitted') {
      status.phase = 'cancelled';
      upsertSearchAttributes([{ key: ViduState, value: 'cancelled' }]);
      describe();
      throw cancellation;
    }
    // Refused (the task already runs) or already finished: its credits are spent either way,
    // so the result is still awaited and archived rather than lost.
    status.phase = 'waiting';
  };

  let callbacks = false;
  let offPeak = false;
  let timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  try {
    const staged = await staging.stageInputs.executeWithOptions(
      { summary: `stage and check the inputs of ${kind}` },
      [{ kind, workflowId, request: input.request, options }],
    );
    offPeak = staged.offPeak;
    metrics.setStaged(staged.model, offPeak);
    timeoutSeconds = options.timeoutSeconds ?? (offPeak ? OFF_PEAK_TIMEOUT_SECONDS : DEFAULT_TIMEOUT_SECONDS);
    upsertSearchAttributes([
      { key: ViduKind, value: kind },
      { key: ViduOffPeak, value: staged.offPeak },
      ...(staged.model ? [{ key: ViduModel, value: staged.model }] : []),
    ]);

    // Off-peak tasks take no slot from VIDU_MAX_IN_FLIGHT (their own pool, uncapped by default).
    await slot.acquire(
      kind,
      () => {
        status.phase = 'waiting_for_slot';
        metrics.waitingForSlot();
        upsertSearchAttributes([{ key: ViduState, value: 'waiting_for_slot' }]);
        describe();
      },
      { offPeak },
    );

    metrics.slotWaitOver();
    status.phase = 'submitting';
    describe();
    tracker.expectNewTask();
    const submitted = await CancellationScope.nonCancellable(() =>
      paid.submitTask.executeWithOptions(
        { summary: `submit ${kind}${staged.model ? ` (${staged.model})` : ''} to Vidu` },
        [{ kind, workflowId, request: staged.request, waitMode: options.waitMode ?? 'auto' }],
      ),
    );
    taskId = submitted.taskId;
    metrics.submitted();
    callbacks = submitted.callbackRegistered;
    status.taskId = taskId;
    status.waitMode = callbacks ? 'callback' : 'poll';
    upsertSearchAttributes([{ key: ViduTaskId, value: taskId }]);
    tracker.track({ taskId, state: submitted.state, progress: 0, errCode: '', credits: submitted.credits, creations: [], source: 'submit' });

    status.phase = 'waiting';
    describe();
    await waitOrGiveUp(taskId);
  } catch (err) {
    if (!isCancellation(err)) {
      await releaseSlot();
      throw unwrapTyped(err);
    }
    try {
      await cancelAtVidu(err);
    } finally {
      if (status.phase !== 'waiting') await releaseSlot();
    }
    try {
      await CancellationScope.nonCancellable(() => waitOrGiveUp(taskId as string));
    } finally {
      await releaseSlot();
    }
  }
  await releaseSlot();

  return CancellationScope.nonCancellable(() => finish());

  async function finish(): Promise<GenerationResult> {
    const done = snapshot as TaskSnapshot;
    const id = taskId as string;
    metrics.taskOver(done.credits);
    if (done.state === 'failed') {
      status.phase = 'failed';
      status.error = `Vidu task ${id} failed: ${done.errCode || 'no err_code'}`;
      describe();
      if (offPeak && isOffPeakRefund(done)) {
        throw ApplicationFailure.create({
          type: FailureType.OffPeakRefunded,
          message: `Vidu could not run off-peak task ${id} within its 48-hour window; it cancelled it and refunded the credits (err_code ${done.errCode || '(none)'})`,
          nonRetryable: true,
          details: [{ taskId: id, errCode: done.errCode, refunded: true, credits: done.credits }],
        });
      }
      throw ApplicationFailure.create({
        type: FailureType.ViduTaskFailed,
        message: `Vidu task ${id} failed with err_code ${done.errCode || '(none)'} (${done.credits} credits)`,
        nonRetryable: true,
        details: [{ taskId: id, errCode: done.errCode, credits: done.credits }],
      });
    }
    let archive: ArchiveResult | undefined;
    if (options.archive !== false) {
      status.phase = 'archiving';
      describe();
      archive = await archiving.archiveTask.executeWithOptions(
        { summary: `archive ${done.creations.length} creation(s) of task ${id}` },
        [{ workflowId, kind, taskId: id, creations: done.creations }],
      );
      status.archive = archive;
    }
    const upscale = options.upscale ? await upscaleResult(done.creations, options) : undefined;
    status.phase = 'done';
    describe();
    return {
      kind,
      workflowId,
      taskId: id,
      state: 'success',
      credits: done.credits,
      creations: done.creations,
      ...(archive ? { archive } : {}),
      ...(status.cancellation ? { cancellation: status.cancellation } : {}),
      ...(upscale ? { upscale } : {}),
    };
  }

  /**
   * options.upscale: the result's first creation, upscaled by a child `upscale` workflow. Its id is
   * `<workflowId>.upscale`, so its archive folder sits beside this one; it is given the creation's
   * Vidu id (upscale-new takes video_creation_id), so no bytes travel.
   */
  async function upscaleResult(creations: TaskSnapshot['creations'], opts: GenerationOptions): Promise<GenerationResult | undefined> {
    const source = creations.find((c) => c.url !== '');
    if (!source) return undefined;
    status.phase = 'upscaling';
    describe();
    const { upscale: wanted, idempotencyKey: _key, timeoutSeconds: _timeout, ...inherited } = opts;
    return executeChild('upscale', {
      workflowId: `${workflowId}.upscale`,
      args: [
        {
          request: { video_creation_id: source.id, ...(wanted?.resolution ? { upscale_resolution: wanted.resolution } : {}) },
          options: inherited,
        } satisfies GenerationInput,
      ],
    }) as Promise<GenerationResult>;
  }

  async function waitOrGiveUp(id: string): Promise<void> {
    if (await tracker.waitForTerminal(id, { callbacks, offPeak, timeoutSeconds, poll: options.poll })) return;
    // One last look: the answer may have been lost rather than late.
    tracker.apply(await quick.fetchTask.executeWithOptions({ summary: `final check of task ${id}` }, [{ taskId: id }]));
    if (isTerminal(snapshot?.state)) return;
    const outcome = await CancellationScope.nonCancellable(() =>
      quick.cancelTask.executeWithOptions({ summary: `cancel overdue task ${id}` }, [{ taskId: id }]),
    );
    status.cancellation = outcome;
    status.phase = 'failed';
    status.error = `did not finish within ${timeoutSeconds} s`;
    describe();
    throw ApplicationFailure.create({
      type: offPeak ? FailureType.OffPeakExpired : FailureType.ViduTimeout,
      message: `${offPeak ? 'off-peak ' : ''}Vidu task ${id} did not finish within ${timeoutSeconds} s (state ${snapshot?.state}); cancel: ${outcome.outcome}`,
      nonRetryable: true,
      details: [{ taskId: id, state: snapshot?.state, cancellation: outcome }],
    });
  }
}

/**
 * An activity's typed, non-retryable failure (InvalidRequest, ViduRejected…) reaches the workflow
 * wrapped in an ActivityFailure; callers should see the typed failure itself.
 */
export function unwrapTyped(err: unknown): unknown {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && NON_RETRYABLE_FAILURES.includes(err.cause.type ?? '')) {
    return err.cause;
  }
  return err;
}

/**
 * Vidu cancels and refunds an off-peak task it could not run within 48 h (FACTS §11); the exact
 * err_code is undocumented (§13). The simulator says `OffPeakTimeout`; any failed off-peak task
 * whose credits came back to 0 is read the same way.
 */
const OFF_PEAK_REFUND_CODES = ['OffPeakTimeout', 'OffPeakExpired', 'TaskTimeout'];
export function isOffPeakRefund(done: TaskSnapshot): boolean {
  return OFF_PEAK_REFUND_CODES.includes(done.errCode) || (done.state === 'failed' && done.credits === 0 && done.errCode !== 'UserCancelled');
}
