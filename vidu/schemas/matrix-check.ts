import type { z } from 'zod';
import { tableIssues, type ModelCheckedFields, type ModelTable } from '../model-matrix';

/** superRefine body that reports an endpoint's model-table violations as Zod issues. */
export function matrixCheck(kind: string, table: ModelTable) {
  return (req: ModelCheckedFields, ctx: z.RefinementCtx): void => {
    for (const issue of tableIssues(kind, table, req)) {
      ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message, input: req });
    }
  };
}
