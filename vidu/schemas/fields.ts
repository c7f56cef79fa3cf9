import type { z } from 'zod';

// Zod's stock messages ("Invalid input: expected string") do not say which
// field failed, and vidu-flow surfaces these messages to operators verbatim.
// Every schema in this folder therefore builds its messages from the issue
// path, which Zod has fully populated by the time it asks for a message.

type Path = readonly PropertyKey[] | undefined;

/** Renders a Zod path as `images[0]` or `subjects[1].images`. */
export function fieldLabel(path: Path, fallback = 'value'): string {
  if (!path || path.length === 0) return fallback;
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

/** Short, log-safe rendering of an offending value (data URIs can be 20 MB). */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    if (value.length <= 60) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, 57) + '…')} (${value.length} chars)`;
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  array: 'an array',
  object: 'a JSON object',
  record: 'a JSON object',
  null: 'null',
};

function plural(n: number | bigint, noun: string): string {
  return `${n} ${noun}${n === 1 || n === 1n ? '' : 's'}`;
}

function measure(origin: string, input: unknown): string {
  if (typeof input === 'string') return plural(input.length, 'character');
  if (Array.isArray(input)) return plural(input.length, 'item');
  if (input instanceof Set) return plural(input.size, 'item');
  return show(input);
}

function bound(
  origin: string,
  side: 'min' | 'max',
  limit: number | bigint,
  inclusive: boolean | undefined,
  exact: boolean | undefined,
): string {
  if (origin === 'string' || origin === 'array' || origin === 'set') {
    const noun = origin === 'string' ? 'character' : 'item';
    const verb = origin === 'string' ? 'be' : 'contain';
    if (exact) return `must ${verb} exactly ${plural(limit, noun)}`;
    return `must ${verb} ${side === 'min' ? 'at least' : 'at most'} ${plural(limit, noun)}`;
  }
  if (exact) return `must be exactly ${limit}`;
  if (side === 'min') return inclusive === false ? `must be greater than ${limit}` : `must be at least ${limit}`;
  return inclusive === false ? `must be less than ${limit}` : `must be at most ${limit}`;
}

/**
 * Error map that names the field in every message. Pass it as `{ error: namedError }`
 * (or the `named` shorthand) when building a schema; checks added with
 * `.min()`/`.max()`/`.int()` fall back to their owning schema's map.
 */
export const namedError: z.core.$ZodErrorMap = (iss) => {
  const label = fieldLabel(iss.path);
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return `${label} is required`;
      return `${label} must be ${EXPECTED[iss.expected] ?? iss.expected} (got ${show(iss.input)})`;
    case 'too_small':
      return `${label} ${bound(iss.origin, 'min', iss.minimum, iss.inclusive, iss.exact)} (got ${measure(iss.origin, iss.input)})`;
    case 'too_big':
      return `${label} ${bound(iss.origin, 'max', iss.maximum, iss.inclusive, iss.exact)} (got ${measure(iss.origin, iss.input)})`;
    case 'invalid_value': {
      const values = iss.values.map((v) => String(v));
      const want = values.length === 1 ? values[0] : `one of ${values.join(', ')}`;
      return `${label} must be ${want} (got ${show(iss.input)})`;
    }
    case 'invalid_format':
      return iss.format === 'regex' && iss.pattern
        ? `${label} must match ${iss.pattern} (got ${show(iss.input)})`
        : `${label} must be a valid ${iss.format} (got ${show(iss.input)})`;
    case 'not_multiple_of':
      return `${label} must be a multiple of ${iss.divisor} (got ${show(iss.input)})`;
    case 'unrecognized_keys':
      return unknownFieldsMessage(iss.keys);
    default:
      return `${label} is invalid (got ${show(iss.input)})`;
  }
};

/** `{ error: namedError }`, to keep schema declarations short. */
export const named = { error: namedError } as const;

export function unknownFieldsMessage(keys: readonly string[], where?: string): string {
  const list = keys.map((k) => JSON.stringify(k)).join(', ');
  const suffix = where ? ` by ${where}` : '';
  return keys.length === 1
    ? `unknown field ${list} is not accepted${suffix}`
    : `unknown fields ${list} are not accepted${suffix}`;
}
