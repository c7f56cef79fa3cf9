/**
 * Request validation with the shared vidu/ schemas, answered the way Vidu
 * does (docs/vidu-api.md §9): the reason names the kind of problem, the message lists
 * every problem with its field.
 */
import type { z } from 'zod';
import { describeZodError } from '../vidu/schemas';
import { ViduHttpError } from './http-errors';

type Reason = 'FieldLacking' | 'FieldUnwanted' | 'FieldItemCountOutOfRange' | 'FieldInvalid';

// When one request has several kinds of problem, one reason must win; the
// order is [INF]: a missing field is reported before an extra one, and both
// before a count or value problem.
const PRIORITY: readonly Reason[] = ['FieldLacking', 'FieldUnwanted', 'FieldItemCountOutOfRange', 'FieldInvalid'];

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

/**
 * Zod strips `input` from reported issues, so "missing" is judged from the
 * request itself: an absent, null or empty-string value at the issue's path
 * is lacking ("missing/empty field(s)").
 */
function reasonOf(issue: z.core.$ZodIssue, body: unknown): Reason {
  if (issue.code === 'unrecognized_keys') return 'FieldUnwanted';
  const value = valueAt(body, issue.path);
  if ((value === undefined || value === null || value === '') && issue.code !== 'too_big') {
    // The body itself missing is a bad request, not a missing field.
    if (issue.path.length > 0) return 'FieldLacking';
  }
  if (
    (issue.code === 'too_small' || issue.code === 'too_big') &&
    (issue.origin === 'array' || issue.origin === 'set')
  ) {
    return 'FieldItemCountOutOfRange';
  }
  return 'FieldInvalid';
}

export function validationError(err: z.ZodError, body: unknown): ViduHttpError {
  const found = new Set(err.issues.map((i) => reasonOf(i, body)));
  const reason = PRIORITY.find((r) => found.has(r)) ?? 'FieldInvalid';
  return new ViduHttpError(reason, describeZodError(err).join('; '));
}

/** Parse with a request schema or throw the Vidu-shaped 400. */
export function parseRequest<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ViduHttpError('BadRequest', 'request body must be a JSON object');
  }
  const r = schema.safeParse(body);
  if (!r.success) throw validationError(r.error, body);
  return r.data;
}

/**
 * The FieldUnwanted answer for one field, worded as the strict request schemas word an unknown
 * field (see describeZodError), for an endpoint configured to refuse a field it otherwise takes.
 */
export function unwantedFieldError(field: string, endpoint: string): ViduHttpError {
  return new ViduHttpError(
    'FieldUnwanted',
    `${field}: unknown field ${JSON.stringify(field)} is not accepted by ${endpoint}`,
  );
}
