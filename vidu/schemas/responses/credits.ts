import { z } from 'zod';
import { named } from '../fields';
import { Int, listOf, Str } from './lenient';

export const CreditRemain = z.looseObject({
  // test | metered | concurrent in the doc; kept open for new kinds.
  type: Str,
  credit_remain: Int.optional(),
  concurrency_limit: Int.optional(),
  current_concurrency: Int.optional(),
  queue_count: Int.optional(),
});
export type CreditRemain = z.output<typeof CreditRemain>;

export const CreditPackage = z.looseObject({
  id: Str.optional(),
  name: Str.optional(),
  type: Str.optional(),
  concurrency: Int.optional(),
  credit_amount: Int.optional(),
  credit_remain: Int.optional(),
  created_at: Str.optional(),
  purchase_at: Str.optional(),
  valid_from: Str.optional(),
  valid_to: Str.optional(),
});
export type CreditPackage = z.output<typeof CreditPackage>;

/**
 * GET /ent/v2/credits (docs/vidu-api.md §8). docs/vidu-api.md §12 item 12: the table names the
 * array `remaining_credits`, the example `remains`; either is read and the
 * output says `remains`.
 */
export const CreditsResponse = z
  .looseObject({
    remains: z.array(CreditRemain, named).nullish(),
    remaining_credits: z.array(CreditRemain, named).nullish(),
    packages: listOf(CreditPackage),
  })
  .transform(({ remains, remaining_credits, ...rest }) => ({
    ...rest,
    remains: remains ?? remaining_credits ?? [],
  }));
export type CreditsResponse = z.output<typeof CreditsResponse>;
export type CreditsResponseInput = z.input<typeof CreditsResponse>;
