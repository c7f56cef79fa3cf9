import type { FastifyInstance } from 'fastify';
import { budgetReport } from '../../client/budgets';
import type { BudgetEntry } from '../../core/budgets';
import type { ApiDeps, Guard } from '../deps';

// GET /v1/budgets (scope read): the calling key's own budgets (VIDU_FLOW_BUDGETS_FILE entries whose
// `caller` is its id) with limit, reserved, charged and remaining in the current UTC period.
// Deny by default: a key does NOT see the overall budget, nor a model or kind budget without a
// caller, nor another key's: their reserved and charged figures add up every caller's spending,
// so they would tell one tenant what the others do. The operator reads them all with
// `vidu-flow budget status`. (A generation refused by a shared budget still learns that budget's
// figures in its own BudgetExceeded failure: it needs them to know when to try again.)

export function registerBudgets(app: FastifyInstance, guard: Guard, deps: ApiDeps): void {
  app.get('/v1/budgets', { preHandler: guard('read') }, async (req) => {
    const keyId = req.apiKey!.id;
    const own = (entry: BudgetEntry) => entry.caller === keyId;
    const entries = deps.budgets?.() ?? [];
    const report = await budgetReport(deps.client.temporal, entries, own);
    return { at: report.at, budgets: report.budgets };
  });
}
