// RFC 9457 problem details: every error the API answers is `application/problem+json` with
// `type`, `title`, `status`, `detail`, and for invalid input `errors: [{ field, message }]`
// naming each field (dotted path, e.g. `request.duration`, `options.poll.factor`).

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem `type` URIs are relative references to this base (documented at /docs). */
const TYPE_BASE = '/docs#problem-';

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Content too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal error',
  502: 'Bad gateway',
  503: 'Service unavailable',
};

export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
    this.name = 'ProblemError';
  }
}

/** A problem of `status`; `slug` names its `type` (e.g. `invalid-input`). */
export function problem(status: number, slug: string, detail: string, extra: Partial<Problem> = {}): ProblemError {
  return new ProblemError({ type: `${TYPE_BASE}${slug}`, title: TITLES[status] ?? 'Error', status, detail, ...extra });
}

/**
 * Splits the contract's issue lines (`field: message`, as checkGenerationInput and
 * describeZodError write them) into field errors; `prefix` is put before each field
 * (`request.` for lines about the Vidu request body).
 */
export function fieldErrors(lines: readonly string[], prefix = ''): FieldError[] {
  return lines.map((line) => {
    const at = line.indexOf(': ');
    if (at <= 0) return { field: prefix.replace(/\.$/, '') || '(body)', message: line };
    const field = line.slice(0, at);
    const joined = field.startsWith('[') ? `${prefix.replace(/\.$/, '')}${field}` : `${prefix}${field}`;
    return {
      field: joined === '(request)' ? 'request' : joined.replace(/\.\(request\)$/, ''),
      message: line.slice(at + 2),
    };
  });
}

/** 422 listing every invalid field. */
export function invalidInput(errors: FieldError[], detail?: string): ProblemError {
  return problem(422, 'invalid-input', detail ?? `invalid input: ${errors.map((e) => e.field).join(', ')}`, { errors });
}

/** The body as an object with only `allowed` top-level fields: 400 when it is no object, 422 naming any other field. */
export function objectBody(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw problem(400, 'bad-request', 'the body must be a JSON object', {
      errors: [{ field: '(body)', message: `must be a JSON object with ${allowed.join(', ')}` }],
    });
  }
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length > 0)
    throw invalidInput(
      unknown.map((field) => ({ field, message: `unknown field; expected only ${allowed.join(', ')}` })),
    );
  return body as Record<string, unknown>;
}
