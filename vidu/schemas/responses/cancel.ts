import { z } from 'zod';

/**
 * POST /ent/v2/tasks/{id}/cancel success body (docs/vidu-api.md §8): the example is
 * `{}`, the table says "returns null"; both read as {}.
 */
export const CancelResponse = z
  .looseObject({})
  .nullable()
  .transform((v) => v ?? {});
export type CancelResponse = z.output<typeof CancelResponse>;
