import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import {
  budgetFreedSignal,
  budgetLedgerQuery,
  DEFAULT_BUDGET_RECONCILE_SECONDS,
  reserveBudgetUpdate,
  settleBudgetSignal,
} from '../../core/budget-messages';
import {
  chargeOfClosed,
  emptyLedger,
  type LedgerState,
  pruneLedger,
  reserve,
  settle,
  waitersFreedBy,
} from '../../core/budgets';
import { slotManagerActivities } from '../common/activity-proxies';

// The account's budget ledger (issue 19 §2): one `viduBudgets` workflow per account, beside the
// slot manager. A generation's submit activity reserves its estimate here (one `reserveBudget`
// update-with-start, activities/budgets.ts) before it asks for a slot or pays anything, and the
// generation settles it to the charged credits when its task ends. The bookkeeping is
// core/budgets.ts; this workflow makes it durable: updates are applied one at a time in history
// order, so fifty generations reserving at once see each other's reservations and never overrun.
//
// Reservations of workflows that closed without settling (terminated, or a settle signal that
// never arrived) are found every reconcile period and counted as what Vidu charged the run when
// its ViduCredits says so, else as the whole reservation (core/budgets.ts chargeOfClosed).

export async function viduBudgets(state?: LedgerState): Promise<void> {
  const s: LedgerState = state ?? emptyLedger();
  let reconcileDue = false;
  let reconcileArmed = false;
  let dirty = false;

  setHandler(budgetLedgerQuery, () => s);
  setHandler(reserveBudgetUpdate, (req) => {
    dirty = true;
    return reserve(s, req, Date.now());
  });
  setHandler(settleBudgetSignal, ({ reservationId, charged }) => settleAndWake(reservationId, charged));

  /** Settles, and wakes the generations waiting on a budget the settle gave credits back to. */
  function settleAndWake(reservationId: string, charged: number): void {
    const r = s.open[reservationId];
    if (!r || !settle(s, reservationId, charged, Date.now()) || charged >= r.credits) return;
    for (const workflowId of waitersFreedBy(s, r.buckets)) {
      // A waiter that is gone (closed) has nothing to wake; the others ask again at once.
      void getExternalWorkflowHandle(workflowId)
        .signal(budgetFreedSignal)
        .catch(() => undefined);
    }
  }

  // Armed only while reservations are open: an idle ledger starts no timers.
  const armReconcile = () => {
    if (reconcileArmed || Object.keys(s.open).length === 0) return;
    reconcileArmed = true;
    void sleep(`${DEFAULT_BUDGET_RECONCILE_SECONDS}s`).then(() => {
      reconcileArmed = false;
      reconcileDue = true;
    });
  };

  while (!workflowInfo().continueAsNewSuggested && workflowInfo().historyLength < 4000) {
    await condition(() => dirty || reconcileDue);
    dirty = false;
    if (reconcileDue) {
      reconcileDue = false;
      const ids = [...new Set(Object.values(s.open).map((r) => r.workflowId))];
      if (ids.length > 0) {
        const closed = await slotManagerActivities.budgetHoldersClosed(ids);
        const credits = new Map(closed.map((c) => [c.workflowId, c.credits]));
        for (const [id, r] of Object.entries(s.open)) {
          if (!credits.has(r.workflowId)) continue;
          settleAndWake(id, chargeOfClosed(s, id, credits.get(r.workflowId)));
        }
      }
      pruneLedger(s, Date.now());
    }
    armReconcile();
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof viduBudgets>(s);
}
