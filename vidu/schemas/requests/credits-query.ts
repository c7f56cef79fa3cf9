import type { z } from 'zod';
import { BoolLike } from '../common';
import { requestObject } from '../builders';

/**
 * GET /ent/v2/credits query (docs/vidu-api.md §8). docs/vidu-api.md §12 item 12: the doc marks
 * show_detail both "Required" and "defaults to false" and puts it in a GET
 * body; it is a query parameter here, optional, default false. A query
 * string carries "true"/"false", which BoolLike takes.
 */
export const CreditsQuery = requestObject('credits', {
  show_detail: BoolLike.default(false),
});

export type CreditsQuery = z.output<typeof CreditsQuery>;
export type CreditsQueryInput = z.input<typeof CreditsQuery>;
