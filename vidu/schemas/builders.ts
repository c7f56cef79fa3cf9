import { z } from 'zod';
import { MediaRef } from './common';
import { fieldLabel, named, namedError, show, unknownFieldsMessage } from './fields';

/**
 * A strict request object. Vidu rejects unexpected fields with 400
 * FieldUnwanted (docs/vidu-api.md §9), so unknown keys are errors here too; `name` goes
 * into the message so the reader knows which endpoint refused the field.
 */
export function requestObject<T extends z.ZodRawShape>(name: string, shape: T) {
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') return unknownFieldsMessage(iss.keys, name);
      if (iss.code === 'invalid_type' && (iss.path === undefined || iss.path.length === 0)) {
        return `${name} request must be a JSON object (got ${show(iss.input)})`;
      }
      return namedError(iss);
    },
  });
}

export function countText(min: number, max: number, noun: string): string {
  const nouns = `${noun}s`;
  if (min === max) return `exactly ${min} ${min === 1 ? noun : nouns}`;
  if (min === 0) return `at most ${max} ${max === 1 ? noun : nouns}`;
  return `${min}–${max} ${nouns}`;
}

/** An array of media references with an item-count window, e.g. images 1–7. */
export function mediaList(min: number, max: number, noun = 'image') {
  return z
    .array(MediaRef, { error: countError(countText(min, max, noun)) })
    .min(min)
    .max(max);
}

/** Error map for a counted array: "<field> must contain <want> (got N)". */
export function countError(want: string): z.core.$ZodErrorMap {
  return (iss) => {
    const label = fieldLabel(iss.path);
    if (iss.code === 'too_small' || iss.code === 'too_big') {
      const got = Array.isArray(iss.input) ? iss.input.length : show(iss.input);
      return `${label} must contain ${want} (got ${got})`;
    }
    if (iss.code === 'invalid_type' && iss.input === undefined) return `${label} is required (${want})`;
    return namedError(iss);
  };
}

/** Task ids are decimal digit strings (docs/vidu-api.md §0), but nothing depends on that. */
export const TaskId = z.string(named).min(1);

export const ModelName = z.string(named).min(1);
