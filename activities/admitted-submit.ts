import { context } from '@opentelemetry/api';
import { ApplicationFailure } from '@temporalio/common';
import { NON_RETRYABLE_FAILURES } from '../core/failure-types';
import type { CreditsHeld } from '../core/balance';
import type { Priority, SubmitResult } from '../core/generation-types';
import type { makeAdmissionActivities } from './admission';
import type { BudgetHold, makeBudgetActivities } from './budgets';
import type { BudgetRefusal, OnBudgetExceeded } from '../core/budgets';
import type { SubmitInput } from './submit';

type AdmissionActivities = ReturnType<typeof makeAdmissionActivities>;
type BudgetActivities = ReturnType<typeof makeBudgetActivities>;

export interface AdmittedSubmitInput extends SubmitInput {
  admission: { priority: Priority; ticket: number; offPeak?: boolean };
  /** options.onBudgetExceeded, when given (absent: `fail` for interactive, `wait` for batch). */
  onBudgetExceeded?: OnBudgetExceeded;
}

/** Queued at the slot manager: nothing was sent to Vidu; a `slotGranted` signal follows. */
export interface SubmitQueued {
  queued: true;
  managerId: string;
  /** The budget reservation made before queueing (settled by the workflow once its task is over). */
  budget?: BudgetHold;
}

/** The estimate does not fit a budget (options.onBudgetExceeded `wait`): nothing reserved, nothing sent. */
export interface BudgetWait {
  budgetWait: BudgetRefusal;
}

export type AdmittedSubmitResult =
  (SubmitResult & { slotManagerId?: string; budget?: BudgetHold }) | SubmitQueued | CreditsHeld | BudgetWait;

/**
 * Admission and submission in one activity: ask the slot manager (one `admit` update), and when
 * the slot is granted at once (the usual case) submit in the same attempt. The generation thus
 * pays no history for admission when a slot is free. A regular activity, not a local one: the
 * update waits for the manager's workflow task, which a worker busy holding workflow tasks open
 * for local activities could never run (a deadlock the batch tests found). A retry asks again:
 * the manager answers `granted` to a workflow that already holds the slot, and the submission's
 * own recovery (activities/submit.ts) makes sure nothing is paid twice.
 */
export function makeAdmittedSubmit(
  submitTask: (input: SubmitInput) => Promise<SubmitResult>,
  requestSlot: AdmissionActivities['requestSlot'],
  releaseSlot: AdmissionActivities['releaseSlot'],
  creditsHold?: (priority: Priority) => Promise<CreditsHeld | undefined>,
  budgets?: Pick<BudgetActivities, 'reserveBudget' | 'settleBudget'>,
) {
  return async function submitWhenAdmitted(input: AdmittedSubmitInput): Promise<AdmittedSubmitResult> {
    const { admission, onBudgetExceeded, ...submit } = input;
    // The credits floor (activities/balance.ts), before a budget or a slot is asked for: a held
    // generation reserves nothing, takes no slot and sends nothing; it asks again later
    // (workflows/generation/phases.ts).
    const held = await creditsHold?.(admission.priority);
    if (held) return held;
    // Budgets (issue 19 §2): the estimate is reserved before a slot is asked for or a credit
    // spent; a refusal under `fail` throws BudgetExceeded here. Without a budget that applies,
    // nothing happens and the result carries no `budget`.
    const reserved = budgets
      ? await budgets.reserveBudget({
          kind: input.kind,
          workflowId: input.workflowId,
          request: input.request,
          priority: admission.priority,
          ...(input.step !== undefined ? { step: input.step } : {}),
          ...(onBudgetExceeded !== undefined ? { onBudgetExceeded } : {}),
        })
      : undefined;
    if (reserved && 'wait' in reserved) return { budgetWait: reserved.wait };
    const budget = reserved?.hold;
    // In a context of its own: the client's tracing of the update must not become the parent of
    // the submission's spans (test/e2e/metrics.test.ts, "trace one generation").
    const slot = await context.with(context.active(), () =>
      requestSlot({ workflowId: input.workflowId, ...admission }),
    );
    if (slot && !slot.granted) return { queued: true, managerId: slot.managerId, ...(budget ? { budget } : {}) };
    let result: SubmitResult;
    try {
      result = await submitTask(submit);
    } catch (err) {
      // A failure no retry will change (e.g. ViduRejected) ends the generation without a task:
      // the workflow never learns of the slot, so it is given back here rather than held until
      // the manager's next reconcile. A retryable one keeps it for the retry.
      if (slot && finalFailure(err))
        await releaseSlot({ managerId: slot.managerId, workflowId: input.workflowId }).catch(() => undefined);
      // Nothing was paid: the reservation is given back (else the ledger's reconcile counts it).
      if (budget && finalFailure(err)) await budgets?.settleBudget({ ...budget, charged: 0 }).catch(() => undefined);
      throw err;
    }
    return { ...result, ...(slot ? { slotManagerId: slot.managerId } : {}), ...(budget ? { budget } : {}) };
  };
}

function finalFailure(err: unknown): boolean {
  return err instanceof ApplicationFailure && (err.nonRetryable || NON_RETRYABLE_FAILURES.includes(err.type ?? ''));
}
