import { z } from 'zod';

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
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv, secrets: readonly string[] = []): z.output<S> {
  // Empty strings mean "unset", as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '(environment)');
      const value = cleaned[name];
      const shown = value === undefined ? 'unset' : secrets.includes(name) ? 'got a value' : `got ${JSON.stringify(value)}`;
      return `${name}: ${issue.message} (${shown})`;
    }),
  );
}

export const port = (fallback: number) => z.coerce.number().int('must be a whole number').min(1, 'must be a TCP port, 1–65535').max(65535, 'must be a TCP port, 1–65535').default(fallback);

export const httpUrl = z
  .string()
  .refine((v) => {
    try {
      return ['http:', 'https:'].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

export const temporalEnv = {
  // host:port, where host may be a bracketed IPv6 literal such as [::1].
  TEMPORAL_ADDRESS: z.string().regex(/^(?:[^\s:[\]]+|\[[0-9A-Fa-f:.]+\]):\d+$/, 'must be host:port').default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  VIDU_TASK_QUEUE: z.string().min(1).default('vidu-flow'),
};
