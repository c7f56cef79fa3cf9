import { z } from 'zod';
import { named } from '../fields';

/**
 * Vidu's error body (docs/vidu-api.md §0, §9): code = HTTP status, reason = error code
 * string (BadRequest, TaskNotFound, ...). metadata is only shown on some
 * pages, so it is optional and loose.
 */
export const ViduErrorBody = z.looseObject({
  code: z.number(named).int(),
  reason: z.string(named),
  message: z.string(named),
  metadata: z.looseObject({ trace_id: z.string(named).optional() }).optional(),
});
export type ViduErrorBody = z.output<typeof ViduErrorBody>;
