import { activityInfo, ApplicationFailure, getClient } from '@temporalio/activity';
import { WithStartWorkflowOperation } from '@temporalio/client';
import {
  BUDGET_LEDGER_WORKFLOW_TYPE,
  budgetLedgerId,
  reserveBudgetUpdate,
  settleBudgetSignal,
} from '../core/budget-messages';
import {
  type BudgetEntry,
  type BudgetRefusal,
  budgetModeFor,
  matchingBudgets,
  type OnBudgetExceeded,
  reservationIdFor,
} from '../core/budgets';
import { SLOT_MANAGER_PRIORITY_KEY } from '../core/fair-share';
import { FailureType } from '../core/failure-types';
import type { GenerationKind, Priority } from '../core/generation-types';
import { ViduCredits } from '../core/search-attributes';
import { estimateCredits, isPricedKind, type PriceTable } from '../vidu/prices';
import { type FilmEndpoint, isFilmEndpoint } from '../vidu/endpoints';
import { currentOwnership } from './workflow-owner';

// A generation's side of budgets (issue 19 §2): reserve the attempt's estimate at the account's
// ledger (workflows/budgets/budgets.ts) before any slot is asked for or credit spent, settle it
// when the task is over. With no budgets file, or no budget that applies, nothing is asked and
// nothing enters the generation's history (the kept replay fixtures replay unchanged).

export interface BudgetDeps {
  /** The budgets in force (VIDU_FLOW_BUDGETS_FILE, re-read on change); undefined or empty: none. */
  budgets?: () => readonly BudgetEntry[] | undefined;
  /** The account the ledger is for (activities/admission.ts accountIdFor). */
  accountId?: string;
  prices?: () => PriceTable;
  /** Whose work the current activity's workflow is (default: its owner, activities/workflow-owner.ts). */
  currentOwner?: () => Promise<string>;
}

export interface ReserveInput {
  kind: GenerationKind | FilmEndpoint;
  workflowId: string;
  request: Record<string, unknown>;
  step?: string;
  priority: Priority;
  onBudgetExceeded?: OnBudgetExceeded;
}

/** A reservation made: the workflow settles it when its task is over. */
export interface BudgetHold {
  ledgerId: string;
  reservationId: string;
}

export type ReserveOutcome = { hold: BudgetHold } | { wait: BudgetRefusal } | undefined;

export function makeBudgetActivities(deps: BudgetDeps) {
  const currentOwner = deps.currentOwner ?? (async () => (await currentOwnership()).owner);

  /**
   * Reserves this attempt's estimate (the stage's price, computed again here from the same request
   * and table so that the activity's input stays as it was) against every matching budget.
   * undefined: no budget applies. `wait`: it does not fit and the generation waits. A refusal
   * under `fail` throws the non-retryable BudgetExceeded, before anything is sent to Vidu.
   */
  async function reserveBudget(input: ReserveInput): Promise<ReserveOutcome> {
    const entries = deps.budgets?.() ?? [];
    if (entries.length === 0 || !deps.accountId || isFilmEndpoint(input.kind)) return undefined;
    const owner = await currentOwner();
    const model = typeof input.request.model === 'string' ? input.request.model : undefined;
    const subject = { owner, kind: input.kind, ...(model !== undefined ? { model } : {}) };
    if (matchingBudgets(entries, subject).length === 0) return undefined;
    const table = deps.prices?.();
    // Unpriced (no entry for the model): reserves 0 and settles to the charge (README "Spend control").
    const credits = isPricedKind(input.kind)
      ? estimateCredits(input.kind, input.request, table ? { table } : {}).credits
      : 0;
    const ledgerId = budgetLedgerId(deps.accountId);
    const reservationId = reservationIdFor(input.workflowId, input.step);
    const waits = budgetModeFor(input.priority, input.onBudgetExceeded) === 'wait';
    const answer = await getClient().workflow.executeUpdateWithStart(reserveBudgetUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation(BUDGET_LEDGER_WORKFLOW_TYPE, {
        workflowId: ledgerId,
        taskQueue: activityInfo().taskQueue,
        args: [],
        workflowIdConflictPolicy: 'USE_EXISTING',
        staticSummary: `vidu-flow budgets: the credits ledger of account ${deps.accountId}`,
        // Like the slot manager: every generation waits on its answers.
        priority: { priorityKey: SLOT_MANAGER_PRIORITY_KEY },
      }),
      args: [
        {
          reservationId,
          workflowId: input.workflowId,
          subject,
          credits,
          entries: [...entries],
          ...(waits ? { waiter: true } : {}),
        },
      ],
    });
    if (answer.reserved) return { hold: { ledgerId, reservationId } };
    if (waits) return { wait: answer.refusal };
    throw budgetExceeded(answer.refusal);
  }

  /** Settles a reservation to the credits charged (0: failed or refunded). Idempotent; run as a local activity. */
  async function settleBudget(input: BudgetHold & { charged: number }): Promise<void> {
    try {
      await getClient()
        .workflow.getHandle(input.ledgerId)
        .signal(settleBudgetSignal, { reservationId: input.reservationId, charged: input.charged });
    } catch (err) {
      // No ledger to tell (terminated): a new one starts from nothing.
      if ((err as Error).name !== 'WorkflowNotFoundError') throw err;
    }
  }

  /** Which of these workflows have closed, with the credits Vidu charged each (ViduCredits) when known. */
  async function budgetHoldersClosed(workflowIds: string[]): Promise<Array<{ workflowId: string; credits?: number }>> {
    const client = getClient();
    const closed: Array<{ workflowId: string; credits?: number }> = [];
    for (const workflowId of workflowIds) {
      try {
        const d = await client.workflow.getHandle(workflowId).describe();
        if (d.status.name === 'RUNNING') continue;
        const credits = d.typedSearchAttributes.get(ViduCredits);
        closed.push({ workflowId, ...(typeof credits === 'number' ? { credits } : {}) });
      } catch (err) {
        if ((err as Error).name === 'WorkflowNotFoundError') closed.push({ workflowId });
        else throw err;
      }
    }
    return closed;
  }

  return { reserveBudget, settleBudget, budgetHoldersClosed };
}

/** The failure a `fail` generation ends with: the budget and its figures (contract/failure-details.ts). */
export function budgetExceeded(r: BudgetRefusal): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.BudgetExceeded,
    message:
      `budget ${r.budget} (${r.period} ${r.periodKey}) cannot take ${r.requested} more credits: ` +
      `limit ${r.limitCredits}, reserved ${r.reserved}, charged ${r.charged}; the period ends ${r.periodEndsAt}`,
    nonRetryable: true,
    details: [r],
  });
}
