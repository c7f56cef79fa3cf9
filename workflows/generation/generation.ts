import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  setCurrentDetails,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { FailureType, NON_RETRYABLE_FAILURES } from '../../core/failure-types';
import type {
  ArchiveResult,
  CancelResult,
  CancellationOutcome,
  GenerationInput,
  GenerationKind,
  GenerationOptions,
  GenerationResult,
  GenerationStatus,
  StageResult,
  TaskSnapshot,
} from '../../core/generation-types';
import { ViduCredits, ViduKind, ViduModel, ViduOffPeak, ViduState, ViduTaskId } from '../../core/search-attributes';
import { isTerminal, taskCredits } from '../../core/task-snapshot';
import { statusQuery } from '../../core/workflow-messages';
import { archiving, paid, quick, stagingLocal } from '../common/activity-proxies';
import { AdmissionSlot } from '../admission/admission-slot';
import { GenerationMetrics } from '../common/metrics';
import { SearchAttributeBatch } from '../common/search-attribute-batch';
import { TaskTracker } from './task-tracker';
import { refuseUnkeepableStart } from '../common/own-id';
import { startDerivedChild } from '../common/derived-child';
import { noteStatus } from '../webhooks/webhook-updates';

/** The top-level fields of a generation's input (contract/generation-input.ts). */
const GENERATION_INPUT_FIELDS = ['request', 'options'] as const;

/** Default wait budget of a normal (not off-peak) task; Vidu usually needs minutes. */
export const DEFAULT_TIMEOUT_SECONDS = 6 * 3600;
/** Off-peak: Vidu's 48 h window plus a grace for late callbacks and the final check. */
export const OFF_PEAK_TIMEOUT_SECONDS = 48 * 3600 + 2 * 3600;

/**
 * One generation, shared by every generation workflow type (one per endpoint of the registry).
 * Its phases, in order: stage (check and store the inputs) → admit and submit (a slot under
 * VIDU_MAX_IN_FLIGHT, then the submission, exactly once) → wait (callbacks, fallback poll,
 * deadline) → finish (archive, optional upscale). A cancellation on the way is handled by `interrupted`.
 */
export async function runGeneration(kind: GenerationKind, input: GenerationInput): Promise<GenerationResult> {
  const metrics = new GenerationMetrics(kind, input.options?.priority ?? 'interactive');
  return metrics.around(() => new Generation(kind, input.request, input.options ?? {}, metrics, input).run());
}

class Generation {
  private readonly workflowId = workflowInfo().workflowId;
  private readonly status: GenerationStatus;
  private readonly attributes = new SearchAttributeBatch();
  private readonly tracker: TaskTracker;
  /** Admission control (VIDU_MAX_IN_FLIGHT): a slot before submitting, given back when the task is over. */
  private readonly slot: AdmissionSlot;
  private snapshot: TaskSnapshot | undefined;
  /** The most credits Vidu ever reported for the task (the submit answer's price): see taskCredits. */
  private creditsSeen = 0;
  private taskId: string | undefined;
  private callbacks = false;
  private offPeak = false;
  private timeoutSeconds: number;

  constructor(
    private readonly kind: GenerationKind,
    private readonly request: GenerationInput['request'],
    private readonly options: GenerationOptions,
    private readonly metrics: GenerationMetrics,
    /** The input as started (checked for fields the schema does not have); absent for children we start. */
    private readonly input?: unknown,
  ) {
    this.status = { kind, phase: 'staging', state: 'not_submitted', progress: 0, updates: 0 };
    this.timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    this.slot = new AdmissionSlot(options.priority ?? 'interactive');
    this.tracker = new TaskTracker((next) => this.onSnapshot(next));
    setHandler(statusQuery, () => this.statusNow());
  }

  async run(): Promise<GenerationResult> {
    try {
      // An id the archive and the receiver would refuse, a Temporal timeout that would end the
      // workflow with a paid task at Vidu, a field the schema does not have: refused before
      // anything is paid for (issue 22 item 1).
      refuseUnkeepableStart(this.input === undefined ? undefined : { value: this.input, fields: GENERATION_INPUT_FIELDS });
      const staged = await this.stage();
      await this.admitAndSubmit(staged);
      await this.waitOrGiveUp();
    } catch (err) {
      await this.interrupted(err);
    }
    await this.slot.release();
    return CancellationScope.nonCancellable(() => this.finish()).catch((err: unknown) => {
      // A failed archive (or upscale) fails the run: the status must not stay `archiving`.
      if (this.status.phase !== 'failed') this.failed(unwrapTyped(err));
      throw err;
    });
  }

  /** Checks the inputs before any credit is spent; the model and off-peak flag decide the wait. */
  private async stage(): Promise<StageResult> {
    const staged = await stagingLocal.stageInputs.executeWithOptions({ summary: `stage and check the inputs of ${this.kind}` }, [
      { kind: this.kind, workflowId: this.workflowId, request: this.request, options: this.options },
    ]);
    this.offPeak = staged.offPeak;
    this.metrics.setStaged(staged.model, this.offPeak);
    this.timeoutSeconds = this.options.timeoutSeconds ?? (this.offPeak ? OFF_PEAK_TIMEOUT_SECONDS : DEFAULT_TIMEOUT_SECONDS);
    // The client sets these at start; a workflow started by name elsewhere gets them here.
    this.attributes.set(
      { key: ViduKind, value: this.kind },
      { key: ViduOffPeak, value: staged.offPeak },
      ...(staged.model ? [{ key: ViduModel, value: staged.model }] : []),
    );
    return staged;
  }

  /**
   * A slot under VIDU_MAX_IN_FLIGHT, then the submission, exactly once. One activity asks for the
   * slot and, when it is free, submits at once; a queued request waits durably for its grant and
   * submits then. Off-peak tasks take no slot from VIDU_MAX_IN_FLIGHT (their own pool, uncapped by
   * default). A cancellation during the submission waits for its outcome: it may have been paid for.
   */
  private async admitAndSubmit(staged: StageResult): Promise<void> {
    this.status.phase = 'submitting';
    this.describe();
    const terms = this.slot.request(this.offPeak);
    const submit = () => {
      this.tracker.expectNewTask();
      return CancellationScope.nonCancellable(() =>
        paid.submitWhenAdmitted.executeWithOptions({ summary: `submit ${this.kind}${staged.model ? ` (${staged.model})` : ''} to Vidu once a slot is free` }, [
          { kind: this.kind, workflowId: this.workflowId, request: staged.request, waitMode: this.options.waitMode ?? 'auto', admission: terms },
        ]),
      );
    };
    let outcome = await submit();
    if ('queued' in outcome) {
      await this.slot.queuedAt(outcome.managerId, () => {
        this.status.phase = 'waiting_for_slot';
        this.metrics.waitingForSlot();
        this.attributes.set({ key: ViduState, value: 'waiting_for_slot' });
        this.describe();
      });
      this.status.phase = 'submitting';
      this.describe();
      // The manager now counts this workflow as a holder, so the same request is granted at once.
      outcome = await submit();
      if ('queued' in outcome) throw new Error(`the slot manager ${outcome.managerId} queued a request it had granted`);
    } else {
      this.slot.grantedBy(outcome.slotManagerId);
    }
    this.metrics.slotWaitOver();
    const submitted = outcome;
    this.taskId = submitted.taskId;
    this.metrics.submitted();
    this.callbacks = submitted.callbackRegistered;
    this.status.taskId = submitted.taskId;
    this.status.waitMode = this.callbacks ? 'callback' : 'poll';
    this.attributes.set({ key: ViduTaskId, value: submitted.taskId });
    this.tracker.track({ taskId: submitted.taskId, state: submitted.state, progress: 0, errCode: '', credits: submitted.credits, creations: [], source: 'submit' });
    this.status.phase = 'waiting';
    this.describe();
  }

  /** Until the task is terminal; past the deadline, one last look, then cancel at Vidu and fail. */
  private async waitOrGiveUp(): Promise<void> {
    const id = this.taskId as string;
    const { callbacks, offPeak, timeoutSeconds } = this;
    if (await this.tracker.waitForTerminal(id, { callbacks, offPeak, timeoutSeconds, poll: this.options.poll })) return;
    // One last look: the answer may have been lost rather than late.
    this.tracker.apply(await quick.fetchTask.executeWithOptions({ summary: `final check of task ${id}` }, [{ taskId: id }]));
    if (isTerminal(this.snapshot?.state)) return;
    const outcome = this.cancelled(
      await CancellationScope.nonCancellable(() =>
        quick.cancelTask.executeWithOptions({ summary: `cancel overdue task ${id}` }, [{ taskId: id, readAfter: true }]),
      ),
    );
    this.status.error = `did not finish within ${timeoutSeconds} s`;
    const failure = ApplicationFailure.create({
      type: offPeak ? FailureType.OffPeakExpired : FailureType.ViduTimeout,
      message: `${offPeak ? 'off-peak ' : ''}Vidu task ${id} did not finish within ${timeoutSeconds} s (state ${this.snapshot?.state}); cancel: ${outcome.outcome}`,
      nonRetryable: true,
      details: [{ taskId: id, state: this.snapshot?.state, cancellation: outcome }],
    });
    this.failed(failure);
    throw failure;
  }

  /**
   * A failure gives the slot back and surfaces typed. A cancellation asks Vidu to cancel: the run
   * ends Cancelled unless Vidu refused (the task already runs), in which case its credits are
   * spent either way, so the result is still awaited and archived rather than lost.
   */
  private async interrupted(err: unknown): Promise<void> {
    if (!isCancellation(err)) {
      const typed = unwrapTyped(err);
      this.failed(typed);
      await this.slot.release();
      throw typed;
    }
    try {
      await this.cancelAtVidu(err);
    } finally {
      if (this.status.phase !== 'waiting') await this.slot.release();
    }
    try {
      await CancellationScope.nonCancellable(() => this.waitOrGiveUp());
    } finally {
      await this.slot.release();
    }
  }

  /** Rethrows the cancellation unless Vidu refused it; then the caller keeps waiting. */
  private async cancelAtVidu(cancellation: unknown): Promise<void> {
    this.status.phase = 'cancelling';
    const taskId = this.taskId;
    const outcome = this.cancelled(
      await CancellationScope.nonCancellable(() =>
        taskId === undefined
          ? Promise.resolve({ outcome: 'not-submitted' as const, message: 'cancelled before anything was sent to Vidu' })
          : quick.cancelTask.executeWithOptions({ summary: `cancel Vidu task ${taskId}` }, [{ taskId, readAfter: true }]),
      ),
    );
    this.describe();
    if (outcome.outcome === 'cancelled' || outcome.outcome === 'not-submitted') {
      this.status.phase = 'cancelled';
      this.attributes.set({ key: ViduState, value: 'cancelled' });
      this.metrics.taskOver(this.credits().charged);
      this.describe();
      throw cancellation;
    }
    this.status.phase = 'waiting';
  }

  /** A terminal task: a failure becomes a typed error; a success is archived (and upscaled if asked). */
  private async finish(): Promise<GenerationResult> {
    const done = this.snapshot as TaskSnapshot;
    const id = this.taskId as string;
    const { charged } = this.credits();
    this.metrics.taskOver(charged);
    if (done.state === 'failed') throw this.taskFailed(done, id);
    let archive: ArchiveResult | undefined;
    if (this.options.archive !== false) {
      this.status.phase = 'archiving';
      this.describe();
      archive = await archiving.archiveTask.executeWithOptions({ summary: `archive ${done.creations.length} creation(s) of task ${id}` }, [
        { workflowId: this.workflowId, kind: this.kind, taskId: id, creations: done.creations },
      ]);
      this.status.archive = archive;
    }
    const { upscale, upscaleMissing } = this.options.upscale ? await this.upscaleResult(done.creations, this.options) : {};
    this.status.phase = 'done';
    this.describe();
    return {
      kind: this.kind,
      workflowId: this.workflowId,
      taskId: id,
      state: 'success',
      credits: charged,
      creations: done.creations,
      ...(archive ? { archive } : {}),
      ...(this.status.cancellation ? { cancellation: this.status.cancellation } : {}),
      ...(upscale ? { upscale } : {}),
      ...(upscaleMissing ? { upscaleMissing } : {}),
    };
  }

  private taskFailed(done: TaskSnapshot, id: string): ApplicationFailure {
    this.status.error = `Vidu task ${id} failed: ${done.errCode || 'no err_code'}`;
    const { charged, refunded } = this.credits();
    const creditsRefunded = refunded > 0 ? { creditsRefunded: refunded } : {};
    const failure =
      this.offPeak && isOffPeakRefund(done)
        ? ApplicationFailure.create({
            type: FailureType.OffPeakRefunded,
            message: `Vidu could not run off-peak task ${id} within its 48-hour window; it cancelled it and refunded the credits (err_code ${done.errCode || '(none)'})`,
            nonRetryable: true,
            details: [{ taskId: id, errCode: done.errCode, refunded: true, credits: charged, ...creditsRefunded }],
          })
        : ApplicationFailure.create({
            type: FailureType.ViduTaskFailed,
            message: `Vidu task ${id} failed with err_code ${done.errCode || '(none)'} (${charged} credits charged${refunded > 0 ? `, ${refunded} refunded` : ''})`,
            nonRetryable: true,
            details: [{ taskId: id, errCode: done.errCode, credits: charged, ...creditsRefunded }],
          });
    this.failed(failure);
    return failure;
  }

  /**
   * options.upscale: the result's first creation, upscaled by a child `upscale` workflow. Its id is
   * `<workflowId>~upscale` (a derived id no caller can start through vidu-flow), so its archive
   * folder sits beside this one; it is given the creation's Vidu id (upscale-new takes
   * video_creation_id), so no bytes travel. A child id found taken (a raw Temporal SDK start) is
   * retried under `<workflowId>~upscale-2`, `-3`…; if none can be started, this paid generation
   * still succeeds, and its result says why the upscale is missing (issue 16 item 2).
   */
  private async upscaleResult(creations: TaskSnapshot['creations'], opts: GenerationOptions): Promise<{ upscale?: GenerationResult; upscaleMissing?: string }> {
    const source = creations.find((c) => c.url !== '');
    if (!source) return {};
    this.status.phase = 'upscaling';
    this.describe();
    const { upscale: wanted, idempotencyKey: _key, timeoutSeconds: _timeout, ...inherited } = opts;
    const started = await startDerivedChild(this.workflowId, 'upscale', 'upscale', (workflowId) =>
      startChild<(input: GenerationInput) => Promise<GenerationResult>>('upscale', {
        workflowId,
        args: [
          {
            request: { video_creation_id: source.id, ...(wanted?.resolution ? { upscale_resolution: wanted.resolution } : {}) },
            options: inherited,
          } satisfies GenerationInput,
        ],
      }),
    );
    if ('child' in started) return { upscale: await started.child.result() };
    const { taken } = started;
    const upscaleMissing = `the upscale was not started: its child workflow ids ${taken.join(', ')} are all taken by workflows this generation did not start`;
    log.error(upscaleMissing);
    return { upscaleMissing };
  }

  /** What Vidu answered moves the status; search attributes follow the state (one upsert per workflow task). */
  private onSnapshot(next: TaskSnapshot): void {
    this.snapshot = next;
    this.creditsSeen = Math.max(this.creditsSeen, next.credits);
    const status = this.status;
    status.updates = this.tracker.updates;
    status.state = next.state;
    status.progress = next.progress;
    const { charged, refunded } = this.credits();
    status.credits = charged;
    if (refunded > 0) status.creditsRefunded = refunded;
    if (next.errCode) status.errCode = next.errCode;
    this.attributes.set({ key: ViduState, value: next.state }, { key: ViduCredits, value: charged });
    this.describe();
  }

  /**
   * Credits in one meaning everywhere (status, result, failure details, ViduCredits, the credits
   * metric): charged net of refunds, plus what was refunded (core/task-snapshot.ts taskCredits).
   */
  private credits(): { charged: number; refunded: number } {
    const last = this.snapshot;
    return taskCredits(last, this.creditsSeen, this.offPeak && last !== undefined && isOffPeakRefund(last));
  }

  /** A cancel's outcome goes into status; the task as Vidu showed it right after moves the status on. */
  private cancelled(result: CancelResult): CancellationOutcome {
    const { after, ...outcome } = result;
    this.status.cancellation = outcome;
    if (after) this.tracker.apply(after);
    return outcome;
  }

  /**
   * The generation fails: the status says so (phase, type, reason). ViduState says `failed` when
   * no Vidu task exists (a refused input, a refused submission, possibly after `waiting_for_slot`);
   * once a task exists it stays Vidu's own state, as status.state does.
   */
  private failed(err: unknown): void {
    const status = this.status;
    status.phase = 'failed';
    if (err instanceof ApplicationFailure && err.type) status.failureType = err.type;
    // One line: a refusal's message lists its issues on `  - ` lines.
    status.error ??= (err instanceof Error ? err.message : String(err)).replace(/:?\n\s*-\s*/g, (m) => (m.startsWith(':') ? ': ' : '; ')).slice(0, 500);
    if (this.snapshot === undefined) this.attributes.set({ key: ViduState, value: 'failed' });
    this.metrics.taskOver(this.credits().charged);
    this.describe();
  }

  private statusNow() {
    return { ...this.status, updates: this.tracker.updates, ...this.tracker.counters };
  }

  /** The Web UI's "current details" and the generation.updated webhooks follow every change. */
  private describe(): void {
    const { status, taskId } = this;
    const lines = [`**${this.kind}** · phase \`${status.phase}\` · Vidu state \`${status.state}\` · ${status.progress}%`];
    if (taskId) lines.push(`Vidu task \`${taskId}\` · ${status.credits ?? 0} credits · wait mode ${status.waitMode ?? '?'}`);
    if (status.archive) lines.push(`Archived ${status.archive.files.length} file(s) to \`${status.archive.root}\``);
    if (status.cancellation) lines.push(`Cancellation: ${status.cancellation.outcome} — ${status.cancellation.message}`);
    setCurrentDetails(lines.join('\n\n'));
    noteStatus(() => this.statusNow());
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
 * Vidu cancels and refunds an off-peak task it could not run within 48 h (docs/vidu-api.md §11); the exact
 * err_code is undocumented (docs/vidu-api.md §13). The simulator says `OffPeakTimeout`; any failed off-peak task
 * whose credits came back to 0 is read the same way.
 */
const OFF_PEAK_REFUND_CODES = ['OffPeakTimeout', 'OffPeakExpired', 'TaskTimeout'];
export function isOffPeakRefund(done: TaskSnapshot): boolean {
  return OFF_PEAK_REFUND_CODES.includes(done.errCode) || (done.state === 'failed' && done.credits === 0 && done.errCode !== 'UserCancelled');
}
