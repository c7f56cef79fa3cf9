import { z } from 'zod';
import { API_KEY_PATTERN } from '../../vidu/client';
import { DEFAULT_TASK_QUEUE } from '../temporal/task-queue';

/** Thrown at start-up with one line per bad environment variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses `env` with `schema`, reporting every bad variable at once. Values are never echoed for
 * variables named in `secrets`, so a mistyped API key cannot end up in a log.
 */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv,
  secrets: readonly string[] = [],
): z.output<S> {
  // Empty strings mean "unset", as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '(environment)');
      const value = cleaned[name];
      const shown =
        value === undefined ? 'unset' : secrets.includes(name) ? 'got a value' : `got ${JSON.stringify(value)}`;
      return `${name}: ${issue.message} (${shown})`;
    }),
  );
}

export const port = (fallback: number) =>
  z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be a TCP port, 1–65535')
    .max(65535, 'must be a TCP port, 1–65535')
    .default(fallback);

export const httpUrl = z.string().refine((v) => {
  try {
    return ['http:', 'https:'].includes(new URL(v).protocol);
  } catch {
    return false;
  }
}, 'must be an http(s) URL');

/**
 * VIDU_API_KEY, for every process that reads it (worker and callback receiver), so both use the
 * same bytes: trimmed once here (a key pasted from a file usually ends in a newline; untrimmed, the
 * client sent the trimmed key while the receiver verified signatures with the newline, and every
 * callback failed with 401), then checked to be visible ASCII with no whitespace inside. Messages
 * never include the value; parseEnv must also list VIDU_API_KEY among its secrets.
 */
export function apiKeyEnv(requiredBecause: string) {
  const required = `is required (${requiredBecause})`;
  return z
    .string({ error: required })
    .trim()
    .min(1, { error: `${required}; it is only whitespace`, abort: true })
    .regex(API_KEY_PATTERN, 'must be printable ASCII with no spaces, tabs or line breaks inside');
}

/**
 * Runs every loader and throws one ConfigError with all their problems, so a start-up reports
 * each bad variable at once even when they are checked in different places.
 */
export function loadAll<T extends readonly unknown[]>(...loaders: { [K in keyof T]: () => T[K] }): T {
  const problems: string[] = [];
  const results = loaders.map((load) => {
    try {
      return load();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
      return undefined;
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return results as unknown as T;
}

// TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and the rest of the connection: temporal-connection.ts.
export const temporalEnv = {
  VIDU_TASK_QUEUE: z.string().min(1).default(DEFAULT_TASK_QUEUE),
};

/**
 * Days an unused staged input is kept: the worker sweeps what nobody staged again for this long
 * (worker/staging-sweep.ts), and the API reports it as an upload's expiresAt. 0: kept forever.
 */
export const DEFAULT_STAGING_TTL_DAYS = 7;
export const stagingTtlEnv = {
  VIDU_FLOW_STAGING_TTL_DAYS: z.coerce
    .number()
    .min(0, 'must be 0 (keep forever) or more days')
    .default(DEFAULT_STAGING_TTL_DAYS),
};
