import type { z } from 'zod';
import type { Kind } from './common';
import { modelIssues, type ModelCheckedFields } from '../models';

/** superRefine body that reports MODEL_MATRIX violations as Zod issues. */
export function matrixCheck(kind: Kind) {
  return (req: ModelCheckedFields, ctx: z.RefinementCtx): void => {
    for (const issue of modelIssues(kind, req)) {
      ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message, input: req });
    }
  };
}
