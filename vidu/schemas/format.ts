import type { z } from 'zod';
import { fieldLabel } from './fields';

/**
 * One line per problem, `"<path>: <message>"`, e.g.
 * `images[0]: images[0] must be an http(s) URL or ...`. Unknown fields get a
 * line each, with the field as the path. A message that already starts with
 * `"<path>: "` is not prefixed twice.
 */
export function describeZodError(err: z.ZodError): string[] {
  const lines: string[] = [];
  for (const issue of err.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(line([...issue.path, key], oneUnknownField(issue.message, key)));
    } else {
      lines.push(line(issue.path, issue.message));
    }
  }
  return lines;
}

// Zod reports all unknown keys of an object in one issue; each gets its own
// line naming just that key, keeping the "by <endpoint>" of our own wording.
function oneUnknownField(message: string, key: string): string {
  const where = / not accepted( by .*)$/.exec(message)?.[1] ?? '';
  return `unknown field ${JSON.stringify(key)} is not accepted${where}`;
}

function line(path: readonly PropertyKey[], message: string): string {
  const label = fieldLabel(path, '(request)');
  return message.startsWith(`${label}: `) ? message : `${label}: ${message}`;
}

/** Thrown by parseOrThrow; `problems` holds describeZodError's lines. */
export class SchemaValidationError extends Error {
  override readonly name = 'SchemaValidationError';
  constructor(
    readonly what: string,
    readonly problems: readonly string[],
    readonly zodError: z.ZodError,
  ) {
    super(`invalid ${what}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses or throws a SchemaValidationError whose message lists every problem. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new SchemaValidationError(what, describeZodError(result.error), result.error);
}
