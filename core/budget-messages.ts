import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { BudgetRefusal, LedgerState, ReserveAnswer, ReserveRequest } from './budgets';

// The protocol between a generation's submit activity (activities/budgets.ts) and its account's
// budget ledger (workflows/budgets/budgets.ts). Declared here, outside workflows/, because the
// activities, the CLI, the API and the tests use it too. The ledger auto-upgrades while pinned
// generations of older versions talk to it, so this protocol changes only by addition.

/** The ledger's workflow type, started by name so that activities never import workflow code. */
export const BUDGET_LEDGER_WORKFLOW_TYPE = 'viduBudgets';

/** One ledger per account (like the slot manager): the budgets are the account's credits. */
export function budgetLedgerId(accountId: string): string {
  return `vidu-budgets-${accountId}`;
}

/** Reserves an attempt's estimate against every matching budget, or says which one it would overrun. */
export const reserveBudgetUpdate = defineUpdate<ReserveAnswer, [ReserveRequest]>('reserveBudget');
/** Settles a reservation to the credits Vidu charged (0 when failed or refunded). Idempotent. */
export const settleBudgetSignal = defineSignal<[{ reservationId: string; charged: number }]>('settleBudget');
export const budgetLedgerQuery = defineQuery<LedgerState>('budgetLedger');
/** The ledger to a generation waiting for a budget: credits were given back, ask again. */
export const budgetFreedSignal = defineSignal('budgetFreed');
/**
 * A batch line (a child generation) tells its batch that a budget holds it (`hold`) or no longer
 * does (no `hold`), so the batch's status can say which budget stopped it. Sent only by lines
 * that wait for a budget.
 */
export const lineBudgetHoldSignal = defineSignal<[{ workflowId: string; hold?: BudgetRefusal }]>('lineBudgetHold');

/** Reservations of closed (e.g. terminated) workflows are looked for this often, by default. */
export const DEFAULT_BUDGET_RECONCILE_SECONDS = 60;
