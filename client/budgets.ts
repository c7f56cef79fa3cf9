import type { Client } from '@temporalio/client';
import { BUDGET_LEDGER_WORKFLOW_TYPE, budgetLedgerQuery } from '../core/budget-messages';
import { type BudgetEntry, budgetStatus, type BudgetStatus, emptyLedger, type LedgerState } from '../core/budgets';

// Budgets as `vidu-flow budget status` and GET /v1/budgets show them (README "Spend control"):
// limit, reserved, charged and remaining of each budget in its current UTC period, read from the
// account's ledger (workflows/budgets/budgets.ts) with its query. The ledger's id derives from the
// Vidu key, which neither the CLI nor the API holds, so the running ledgers are found by type.
// One Temporal namespace normally serves one Vidu account (one ledger); several are added up.

export interface BudgetReport {
  /** When the figures were read (ISO 8601): the periods are the ones current then. */
  at: string;
  budgets: BudgetStatus[];
  /** How many ledgers were read (0: nothing reserved yet; every figure is 0). */
  ledgers: number;
}

/** The ledgers' state, added up (their reservations side by side). */
export async function readLedgers(temporal: Client): Promise<{ state: LedgerState; ledgers: number }> {
  const state = emptyLedger();
  let ledgers = 0;
  const query = `WorkflowType = '${BUDGET_LEDGER_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`;
  for await (const wf of temporal.workflow.list({ query })) {
    let one: LedgerState;
    try {
      one = await temporal.workflow.getHandle(wf.workflowId, wf.runId).query(budgetLedgerQuery);
    } catch {
      continue; // closed since it was listed (continue-as-new): its successor is listed too, or next time
    }
    ledgers += 1;
    for (const e of one.entries) if (!state.entries.some((x) => x.name === e.name)) state.entries.push(e);
    Object.assign(state.open, one.open);
    Object.assign(state.settled, one.settled);
    for (const [bucket, use] of Object.entries(one.usage)) {
      const sum = (state.usage[bucket] ??= { reserved: 0, charged: 0 });
      sum.reserved += use.reserved;
      sum.charged += use.charged;
    }
  }
  return { state, ledgers };
}

/**
 * The budgets `entries` (the reader's own budgets file; default: the entries the ledgers last
 * saw) with their figures now. `visible` filters what a caller may see (GET /v1/budgets: a key's own).
 */
export async function budgetReport(
  temporal: Client,
  entries: readonly BudgetEntry[] | undefined,
  visible: (entry: BudgetEntry) => boolean = () => true,
  now: number = Date.now(),
): Promise<BudgetReport> {
  const { state, ledgers } = await readLedgers(temporal);
  const shown = (entries ?? state.entries).filter(visible);
  return { at: new Date(now).toISOString(), budgets: budgetStatus({ ...state, entries: [...shown] }, now), ledgers };
}
