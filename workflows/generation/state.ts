import { ApplicationFailure, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type {
  CancelResult,
  CancellationOutcome,
  GenerationInput,
  GenerationKind,
  GenerationOptions,
  GenerationStatus,
  StageResult,
  TaskSnapshot,
} from '../../core/generation-types';
import { ViduCredits, ViduState } from '../../core/search-attributes';
import { taskCredits } from '../../core/task-snapshot';
import { statusQuery } from '../../core/workflow-messages';
import { budgetFreedSignal } from '../../core/budget-messages';
import { AdmissionSlot } from '../admission/admission-slot';
import type { GenerationMetrics } from '../common/metrics';
import { SearchAttributeBatch } from '../common/search-attribute-batch';
import { noteStatus } from '../webhooks/webhook-updates';
import { TaskTracker } from './task-tracker';

/** Default wait budget of a normal (not off-peak) task; Vidu usually needs minutes. */
export const DEFAULT_TIMEOUT_SECONDS = 6 * 3600;
/** Off-peak: Vidu's 48 h window plus a grace for late callbacks and the final check. */
export const OFF_PEAK_TIMEOUT_SECONDS = 48 * 3600 + 2 * 3600;

/**
 * Everything one generation run knows, passed from phase to phase (workflows/generation/). The
 * `status` query and the tracker's `taskUpdate` signal read and write it between phases.
 */
export interface GenerationRun {
  readonly kind: GenerationKind;
  readonly workflowId: string;
  readonly request: GenerationInput['request'];
  readonly options: GenerationOptions;
  readonly metrics: GenerationMetrics;
  /** The input as started (checked for fields the schema does not have); absent for children we start. */
  readonly input?: unknown;
  /** What the `status` query shows (the tracker's counters are added when read). */
  readonly status: GenerationStatus;
  readonly attributes: SearchAttributeBatch;
  /** Admission control (VIDU_MAX_IN_FLIGHT): a slot before submitting, given back when the task is over. */
  readonly slot: AdmissionSlot;
  readonly tracker: TaskTracker;
  snapshot?: TaskSnapshot;
  /** The most credits Vidu ever reported for the task (the submit answer's price): see taskCredits. */
  creditsSeen: number;
  /** options.onTaskFailure: credits charged for the earlier tasks of this run (0 without retries). */
  creditsEarlier: number;
  taskId?: string;
  callbacks: boolean;
  offPeak: boolean;
  timeoutSeconds: number;
  /** The stage activity's estimate (absent in histories recorded before estimates existed). */
  estimate?: StageResult['estimate'];
  /** audioClone: the voice the stage activity named for Vidu (the result records it). */
  voice?: StageResult['voice'];
  /** The current attempt's budget reservation (VIDU_FLOW_BUDGETS_FILE), until settled (workflows/generation/budget.ts). */
  budget?: { ledgerId: string; reservationId: string };
  /** The budget this batch line last told its batch holds it (undefined: none). */
  budgetToldParent?: string;
  /** The ledger's budgetFreed signal came: a generation waiting for a budget asks again. */
  budgetFreed: boolean;
}

/** Sets up the run's state and its handlers; adds nothing to history. */
export function openGenerationRun(
  kind: GenerationKind,
  request: GenerationInput['request'],
  options: GenerationOptions,
  metrics: GenerationMetrics,
  input?: unknown,
): GenerationRun {
  // Handlers in the order the class this replaced registered them (slot grant, task update, status).
  const run: GenerationRun = {
    kind,
    workflowId: workflowInfo().workflowId,
    request,
    options,
    metrics,
    input,
    status: { kind, phase: 'staging', state: 'not_submitted', progress: 0, updates: 0 },
    attributes: new SearchAttributeBatch(),
    slot: new AdmissionSlot(options.priority ?? 'interactive'),
    tracker: new TaskTracker((next) => onSnapshot(run, next)),
    creditsSeen: 0,
    creditsEarlier: 0,
    callbacks: false,
    offPeak: false,
    timeoutSeconds: options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    budgetFreed: false,
  };
  setHandler(statusQuery, () => statusNow(run));
  // Budgets: sent by the ledger only to a generation waiting for a budget (a handler: no command).
  setHandler(budgetFreedSignal, () => {
    run.budgetFreed = true;
  });
  return run;
}

/** What Vidu answered moves the status; search attributes follow the state (one upsert per workflow task). */
function onSnapshot(run: GenerationRun, next: TaskSnapshot): void {
  run.snapshot = next;
  run.creditsSeen = Math.max(run.creditsSeen, next.credits);
  const status = run.status;
  status.updates = run.tracker.updates;
  status.state = next.state;
  status.progress = next.progress;
  const { charged, refunded } = credits(run);
  // With retries (options.onTaskFailure), the run's credits are every task's: earlier ones too.
  const total = charged + run.creditsEarlier;
  status.credits = total;
  if (refunded > 0) status.creditsRefunded = refunded;
  if (next.errCode) status.errCode = next.errCode;
  run.attributes.set({ key: ViduState, value: next.state }, { key: ViduCredits, value: total });
  describe(run);
}

/**
 * Credits in one meaning everywhere (status, result, failure details, ViduCredits, the credits
 * metric): charged net of refunds, plus what was refunded (core/task-snapshot.ts taskCredits).
 */
export function credits(run: GenerationRun): { charged: number; refunded: number } {
  const last = run.snapshot;
  return taskCredits(last, run.creditsSeen, run.offPeak && last !== undefined && isOffPeakRefund(last));
}

/** A cancel's outcome goes into status; the task as Vidu showed it right after moves the status on. */
export function cancelled(run: GenerationRun, result: CancelResult): CancellationOutcome {
  const { after, ...outcome } = result;
  run.status.cancellation = outcome;
  if (after) run.tracker.apply(after);
  return outcome;
}

/**
 * The generation fails: the status says so (phase, type, reason). ViduState says `failed` when
 * no Vidu task exists (a refused input, a refused submission, possibly after `waiting_for_slot`);
 * once a task exists it stays Vidu's own state, as status.state does.
 */
export function failed(run: GenerationRun, err: unknown): void {
  const status = run.status;
  status.phase = 'failed';
  if (err instanceof ApplicationFailure && err.type) status.failureType = err.type;
  // One line: a refusal's message lists its issues on `  - ` lines.
  status.error ??= (err instanceof Error ? err.message : String(err))
    .replace(/:?\n\s*-\s*/g, (m) => (m.startsWith(':') ? ': ' : '; '))
    .slice(0, 500);
  if (run.snapshot === undefined) run.attributes.set({ key: ViduState, value: 'failed' });
  run.metrics.taskOver(credits(run).charged);
  describe(run);
}

function statusNow(run: GenerationRun) {
  return { ...run.status, updates: run.tracker.updates, ...run.tracker.counters };
}

/** The Web UI's "current details" and the generation.updated webhooks follow every change. */
export function describe(run: GenerationRun): void {
  const { status, taskId } = run;
  const lines = [`**${run.kind}** · phase \`${status.phase}\` · Vidu state \`${status.state}\` · ${status.progress}%`];
  if (taskId)
    lines.push(`Vidu task \`${taskId}\` · ${status.credits ?? 0} credits · wait mode ${status.waitMode ?? '?'}`);
  if (status.archive) lines.push(`Archived ${status.archive.files.length} file(s) to \`${status.archive.root}\``);
  if (status.cancellation) lines.push(`Cancellation: ${status.cancellation.outcome} — ${status.cancellation.message}`);
  // options.onTaskFailure: the tasks so far, one line for the Web UI (README, "Retry policy").
  if (status.attempts?.length)
    lines.push(
      `Attempts: ${status.attempts.map((a, i) => `${i + 1}. \`${a.taskId}\` ${a.model} ${a.errCode || 'success'} (${a.credits} credits)`).join(' · ')}`,
    );
  setCurrentDetails(lines.join('\n\n'));
  noteStatus(() => statusNow(run));
}

/**
 * Vidu cancels and refunds an off-peak task it could not run within 48 h (docs/vidu-api.md §11); the exact
 * err_code is undocumented (docs/vidu-api.md §13). The simulator says `OffPeakTimeout`; any failed off-peak task
 * whose credits came back to 0 is read the same way.
 */
const OFF_PEAK_REFUND_CODES = ['OffPeakTimeout', 'OffPeakExpired', 'TaskTimeout'];
export function isOffPeakRefund(done: TaskSnapshot): boolean {
  return (
    OFF_PEAK_REFUND_CODES.includes(done.errCode) ||
    (done.state === 'failed' && done.credits === 0 && done.errCode !== 'UserCancelled')
  );
}
