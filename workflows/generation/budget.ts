import { CancellationScope, condition, getExternalWorkflowHandle, workflowInfo } from '@temporalio/workflow';
import { lineBudgetHoldSignal } from '../../core/budget-messages';
import type { BudgetRefusal } from '../../core/budgets';
import { ViduState } from '../../core/search-attributes';
import { quickLocal } from '../common/activity-proxies';
import { credits, describe, type GenerationRun } from './state';

// A generation's side of budgets (issue 19 §2, README "Spend control"). The reservation itself is
// made by the submit activity (activities/admitted-submit.ts), so a run under no budget issues no
// command of its own here: both functions below act only when a reservation or a refusal exists.

/** How long a waiting generation waits before asking again when its period is not about to end. */
export const BUDGET_RECHECK_SECONDS = 5 * 60;

/**
 * options.onBudgetExceeded `wait`: until the ledger says credits settled back (its budgetFreed
 * signal), else a durable timer to the budget's period rollover, asking again at least every
 * BUDGET_RECHECK_SECONDS (a wake-up lost to a crash); the status shows the phase and the budget.
 */
export async function waitForBudget(run: GenerationRun, refusal: BudgetRefusal): Promise<void> {
  run.status.phase = 'waiting_for_budget';
  run.status.budgetHold = refusal;
  run.attributes.set({ key: ViduState, value: 'waiting_for_budget' });
  describe(run);
  await tellParent(run, refusal);
  const untilRollover = Date.parse(refusal.periodEndsAt) - Date.now();
  // Woken early by the ledger's budgetFreed signal (state.ts) when a settle gives credits back.
  await condition(() => run.budgetFreed, Math.max(1000, Math.min(untilRollover, BUDGET_RECHECK_SECONDS * 1000)));
  run.budgetFreed = false;
  delete run.status.budgetHold;
  run.status.phase = 'submitting';
  describe(run);
}

/** The wait for a budget is over (the reservation was made): a batch parent is told. */
export async function budgetWaitOver(run: GenerationRun): Promise<void> {
  if (run.budgetToldParent) await tellParent(run, undefined);
}

/**
 * A batch line tells its batch which budget holds it, so the batch's status can say (once per
 * budget, and once when the hold is over). A generation without a parent sends nothing.
 */
async function tellParent(run: GenerationRun, hold: BudgetRefusal | undefined): Promise<void> {
  const parent = workflowInfo().parent;
  if (!parent || run.budgetToldParent === (hold?.budget ?? undefined)) return;
  run.budgetToldParent = hold?.budget;
  try {
    // By workflow id only: the batch may have continued as new since it started this line.
    await getExternalWorkflowHandle(parent.workflowId).signal(lineBudgetHoldSignal, {
      workflowId: run.workflowId,
      ...(hold ? { hold } : {}),
    });
  } catch {
    // The batch is gone: nobody to tell.
  }
}

/**
 * Settles the current attempt's reservation to what Vidu charged for it (net of refunds: a failed
 * task or an off-peak refund gives its credits back). Once per reservation; no command without one.
 * A settle that cannot be delivered is left to the ledger's reconcile (core/budgets.ts chargeOfClosed).
 */
export async function settleBudget(run: GenerationRun): Promise<void> {
  const hold = run.budget;
  if (!hold) return;
  run.budget = undefined;
  const charged = run.taskId === undefined ? 0 : credits(run).charged;
  await CancellationScope.nonCancellable(async () => {
    try {
      await quickLocal.settleBudget.executeWithOptions(
        { summary: `settle the budget reservation (${charged} credits)` },
        [{ ...hold, charged }],
      );
    } catch {
      // The ledger counts the reservation of a closed workflow when it reconciles.
    }
  });
}
