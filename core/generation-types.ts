// Plain data shapes that travel through workflow history. Workflows import these as types only;
// the zod schemas that validate them at the edges live in contract/.

// One workflow type per endpoint of the registry (vidu/endpoints/). Type-only: nothing of the
// registry enters the workflow bundle.
export type { GenerationKind } from '../vidu/endpoints';
import type { GenerationKind } from '../vidu/endpoints';
import type { BudgetRefusal, OnBudgetExceeded } from './budgets';

export type TaskStateName = 'created' | 'queueing' | 'scheduled' | 'processing' | 'success' | 'failed';

export type WaitMode = 'auto' | 'callback' | 'poll';

export interface PollScheduleOptions {
  /** Delay before the second poll; the first one happens right away. */
  initialSeconds?: number;
  /** Growth factor between polls. */
  factor?: number;
  /** Upper bound of the delay between two polls. */
  maxSeconds?: number;
}

export interface GenerationOptions {
  /** `auto` (default): callbacks when the worker has VIDU_CALLBACK_URL, polling otherwise. */
  waitMode?: WaitMode;
  /** Archive the results (default true). */
  archive?: boolean;
  /** Give up (and cancel at Vidu) when the task has not finished after this long. */
  timeoutSeconds?: number;
  /** Override the fallback poll schedule (see README, "Waiting"). */
  poll?: PollScheduleOptions;
  /** Informational: the key the workflow id was derived from. */
  idempotencyKey?: string;
  /**
   * Admission order when VIDU_MAX_IN_FLIGHT tasks are already at Vidu: `interactive` (default)
   * overtakes waiting `batch` work; within a priority, first come first served.
   */
  priority?: Priority;
  /**
   * Upscale the result once it is archived, as a child `upscale` workflow (id
   * `<workflowId>~upscale`, so its archive folder sits beside this one). Only for kinds whose
   * result is a video; the upscale is a second paid Vidu task.
   */
  upscale?: { resolution?: '1080p' | '2K' | '4K' | '8K' };
  /**
   * What to do when the Vidu task fails (README, "Retry policy"; docs/vidu-api.md §9.1): up to
   * `attempts` tasks in all, each a new paid submission through admission. Absent: one task.
   */
  onTaskFailure?: OnTaskFailure;
  /**
   * When the estimate does not fit a budget (VIDU_FLOW_BUDGETS_FILE, README "Spend control"):
   * `fail` with BudgetExceeded (the default for interactive) or `wait` for credits to settle back
   * or the period to roll over (the default for batch). Nothing is sent to Vidu either way.
   */
  onBudgetExceeded?: OnBudgetExceeded;
}

export interface OnTaskFailure {
  /** Tasks in all, the first included (1–5). */
  attempts: number;
  /** A refused output (CreationPolicyViolation) is tried again with a new seed. Default true. */
  reseed?: boolean;
  /** ModelUnavailable moves to the next of these models (each checked against the request at start). */
  fallbackModels?: string[];
  /** A refused input (AuditSubmitIllegal, TaskPromptPolicyViolation, ImageFormatInvalid, …) is tried again too. Default false. */
  retryInputRefusals?: boolean;
}

/** One Vidu task of a generation with options.onTaskFailure, in order. */
export interface TaskAttempt {
  taskId: string;
  model: string;
  /** The seed sent; absent when the request sent none (Vidu picked one). */
  seed?: number;
  /** Empty for the attempt that succeeded. */
  errCode: string;
  /** Credits charged for this task, net of refunds. */
  credits: number;
}

export type Priority = 'interactive' | 'batch';

/** `request` is Vidu's own request body for the kind, without `callback_url`. */
export interface GenerationInput<Req = Record<string, unknown>> {
  request: Req;
  options?: GenerationOptions;
}

export interface CreationRef {
  id: string;
  /** Empty when only the cover is wanted (e.g. AD-film storyboard covers). */
  url: string;
  coverUrl: string;
  /**
   * Vidu's watermarked copy (`watermarked_url`), present only when the request asked for a
   * watermark (Vidu leaves it empty otherwise: docs/vidu-api.md §6); archived beside the creation.
   */
  watermarkedUrl?: string;
}

/**
 * A creation that may come from another Vidu task than the workflow's main one (an AD film's
 * composition and storyboard covers; contract/ad-film-result.ts FilmCreation). A generation's own
 * creations never carry it, so its result schema has no such field.
 */
export interface FilmCreation extends CreationRef {
  /** The Vidu task that produced it, when not the workflow's main task; used to refresh expired URLs. */
  sourceTaskId?: string;
}

/** What vidu-flow knows about a Vidu task at one moment, from a callback or a poll. */
export interface TaskSnapshot {
  taskId: string;
  state: TaskStateName;
  progress: number;
  errCode: string;
  credits: number;
  creations: CreationRef[];
  source: 'submit' | 'callback' | 'poll' | 'cancel';
}

export interface StagedMedia {
  field: string;
  ref: string;
  format: string;
  bytes: number;
  width?: number;
  height?: number;
  durationSeconds?: number;
}

export interface StageResult {
  /** The request with every media field replaced by a small reference (URL or staged:key). */
  request: Record<string, unknown>;
  media: StagedMedia[];
  model?: string;
  offPeak: boolean;
  /**
   * The price before submission (vidu/prices estimateCredits, with the worker's VIDU_FLOW_PRICES_FILE),
   * computed by the stage activity so the workflow issues no extra command. Absent in histories
   * recorded before it existed.
   */
  estimate?: { credits: number; basis: string; unpriced?: string };
  /** audioClone: the voice the request makes (the stage activity derives its Vidu id from the owner). */
  voice?: ClonedVoice;
}

/** A voice made by audioClone (README "The tenant model": each owner's voices are its own). */
export interface ClonedVoice {
  /** How this voice's owner names it in later requests: `clone:<voice_id>`. */
  voiceId: string;
  /** The id Vidu knows it by: `vf-<12 hex of the owner>-<voice_id>`. */
  viduVoiceId: string;
}

export interface SubmitResult {
  taskId: string;
  state: TaskStateName;
  credits: number;
  callbackRegistered: boolean;
  /** How the task id was obtained: a fresh submission, or found again after an interrupted one. */
  via: 'created' | 'recovered-from-heartbeat' | 'recovered-from-task-list';
}

export interface ArchivedFile {
  name: string;
  role: 'video' | 'image' | 'audio' | 'cover' | 'watermarked';
  creationId: string;
  sha256: string;
  bytes: number;
  contentType: string;
  location: string;
}

/** An optional extra (a cover, a watermarked copy) that could not be archived; the paid result itself was. */
export interface MissingExtra {
  creationId: string;
  role: 'cover' | 'watermarked';
  reason: string;
}

export interface ArchiveResult {
  root: string;
  manifest: string;
  files: ArchivedFile[];
  /** Present when optional extras are missing; the archive (and the workflow) still succeeded. */
  missing?: MissingExtra[];
}

export interface CancellationOutcome {
  outcome: 'cancelled' | 'refused' | 'not-submitted' | 'already-finished';
  message: string;
}

/** What the cancel activity returns: the outcome, and the task as Vidu answered right after it (not kept in status). */
export interface CancelResult extends CancellationOutcome {
  after?: TaskSnapshot;
}

export interface GenerationResult {
  kind: GenerationKind;
  workflowId: string;
  taskId: string;
  state: 'success';
  credits: number;
  /** The credits estimated before submission; absent when the request could not be priced (see estimateUnpriced). */
  estimatedCredits?: number;
  /** Why no estimate could be given, when none was. */
  estimateUnpriced?: string;
  creations: CreationRef[];
  archive?: ArchiveResult;
  cancellation?: CancellationOutcome;
  /** options.upscale: the child `upscale` workflow's result (id `<workflowId>~upscale`, archived beside this one). */
  upscale?: Omit<GenerationResult, 'upscale' | 'upscaleMissing'>;
  /** options.upscale asked, and no child could be started (every id it may use was taken): why the upscale is missing. */
  upscaleMissing?: string;
  /** options.onTaskFailure given: every task submitted, in order. */
  attempts?: TaskAttempt[];
  /** audioClone: the voice made (its preview is the archived audio). */
  voice?: ClonedVoice;
}

export interface GenerationStatus {
  kind: GenerationKind;
  phase:
    | 'deferred'
    | 'staging'
    | 'waiting_for_slot'
    | 'waiting_for_credits'
    | 'submitting'
    | 'waiting'
    | 'archiving'
    | 'upscaling'
    | 'cancelling'
    | 'done'
    | 'failed'
    | 'cancelled'
    | 'waiting_for_budget';
  state: TaskStateName | 'not_submitted';
  progress: number;
  taskId?: string;
  /** Credits charged for the task, net of refunds (what ViduCredits and the credits metric say). */
  credits?: number;
  /** Credits Vidu gave back (a cancelled or expired off-peak task); absent when nothing was refunded. */
  creditsRefunded?: number;
  /** Phase waiting_for_budget: the budget the estimate does not fit (options.onBudgetExceeded `wait`). */
  budgetHold?: BudgetRefusal;
  /** The credits estimated before submission (set by the stage phase); absent when unpriced (see estimateUnpriced). */
  estimatedCredits?: number;
  /** Why no estimate could be given, when none was. */
  estimateUnpriced?: string;
  /** options.onTaskFailure given: the tasks submitted so far, in order. */
  attempts?: TaskAttempt[];
  /** phase `deferred` (read from describe, before the first workflow task): when the start delay ends. ISO 8601. */
  notBefore?: string;
  /** The failure type (core/failure-types.ts) once phase is failed. */
  failureType?: string;
  errCode?: string;
  waitMode?: 'callback' | 'poll';
  updates: number;
  /** taskUpdate signals ignored: for a task this workflow does not know, or breaking the update's rules. */
  ignoredUpdates?: number;
  /** taskUpdate signals whose callback nonce was already seen (replays). */
  replayedNonces?: number;
  /** Task states Vidu sent that this contract does not know; read as not finished. */
  unknownStates?: number;
  lastUnknownState?: string;
  /** Get Generation calls made to confirm a terminal state a callback announced. */
  confirmations?: number;
  archive?: ArchiveResult;
  cancellation?: CancellationOutcome;
  error?: string;
}
