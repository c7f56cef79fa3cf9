import { z } from 'zod';
import { BoolLike, IntLike } from '../common';
import { named } from '../fields';

// Responses are parsed leniently: Vidu adds fields over time (docs/vidu-api.md §1 shows
// newer pages returning more than older ones), so objects are loose, and
// integers/booleans go through IntLike/BoolLike in case a field arrives in
// its string form (docs/vidu-api.md §12 items 3–5 show the docs themselves wavering).
export const Str = z.string(named);
export const Int = IntLike;
export const Bool = BoolLike;

/** A string field Vidu may send as null or omit; both read as "". */
export const StrOrEmpty = z
  .string(named)
  .nullish()
  .transform((v) => v ?? '');

/** An array Vidu may send as null or omit; both read as []. */
export function listOf<T extends z.ZodType>(item: T) {
  return z
    .array(item, named)
    .nullish()
    .transform((v): z.output<T>[] => v ?? []);
}
