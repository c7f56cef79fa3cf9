import { z } from 'zod';
import { parseForwardStates } from './forwarding';
import { DEFAULT_MAX_SIGNALS_IN_FLIGHT, DEFAULT_MAX_WAITING } from './signal-gate';
import { apiKeyEnv, loadAll, parseEnv, port, temporalEnv } from '../platform/config/env';
import { telemetryEnv } from '../platform/telemetry/telemetry-config';
import { loadTemporalConnection, TEMPORAL_ENV_VARS, type TemporalConnection } from '../platform/temporal/connection';

// The callback receiver's configuration, from env. The helpers (env parsing, the Temporal
// connection, telemetry variables) are shared with the worker, which declares them.

const CallbackEnv = z.object({
  ...temporalEnv,
  VIDU_API_KEY: apiKeyEnv('it verifies the callback signatures'),
  CALLBACK_PORT: port(8788),
  // Loopback unless told otherwise: a container or a host that Vidu reaches sets 0.0.0.0 (docker-compose.yml, Dockerfile).
  CALLBACK_HOST: z.string().min(1).default('127.0.0.1'),
  CALLBACK_MAX_SKEW_SECONDS: z.coerce.number().int().min(1).default(300),
  // Non-terminal states sent on to the workflow (receiver/forwarding.ts): each costs a history event.
  CALLBACK_FORWARD_STATES: z
    .string()
    .default('all')
    .transform((v, ctx) => {
      try {
        return parseForwardStates(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  // How hard a burst of callbacks may push Temporal (receiver/signal-gate.ts): signals at once, and
  // callbacks waiting for one before the next is refused with 503 and Retry-After.
  CALLBACK_MAX_SIGNALS_IN_FLIGHT: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(DEFAULT_MAX_SIGNALS_IN_FLIGHT),
  CALLBACK_MAX_WAITING: z.coerce
    .number()
    .int('must be a whole number')
    .min(0, 'must be 0 or more')
    .default(DEFAULT_MAX_WAITING),
  ...telemetryEnv,
});

export type CallbackConfig = z.output<typeof CallbackEnv> & { temporal: TemporalConnection };

/**
 * Every variable the callback receiver reads. Deployment files are checked against it
 * (test/unit/compose-env.test.ts).
 */
export const CALLBACK_ENV_VARS: readonly string[] = [...Object.keys(CallbackEnv.shape), ...TEMPORAL_ENV_VARS];

export function loadCallbackConfig(env: NodeJS.ProcessEnv = process.env): CallbackConfig {
  const [e, temporal] = loadAll(
    () => parseEnv(CallbackEnv, env, ['VIDU_API_KEY', 'METRICS_TOKEN']),
    () => loadTemporalConnection(env),
  );
  return { ...e, temporal };
}
