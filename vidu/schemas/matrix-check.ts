import type { z } from 'zod';
import { withFileModels } from '../model-extensions';
import { tableIssues, type ModelCheckedFields, type ModelTable } from '../model-matrix';

/**
 * superRefine body that reports an endpoint's model-table violations as Zod issues. The table is
 * read at each check, with the models the operator's file adds (vidu/model-extensions.ts).
 */
export function matrixCheck(kind: string, table: ModelTable) {
  return (req: ModelCheckedFields, ctx: z.RefinementCtx): void => {
    for (const issue of tableIssues(kind, withFileModels(kind, table), req)) {
      ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message, input: req });
    }
  };
}
