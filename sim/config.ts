/**
 * Simulator configuration from the environment. Every knob is listed in
 * sim/README.md; keep the two in step.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parsePricesFile, type PriceEntry } from '../vidu/prices';
import { GENERATION_KINDS } from '../vidu/endpoints';
import { ConfigError } from '../platform/config/env';
import { loadModelsFile, MODELS_FILE_ENV_VARS } from '../platform/config/models-file';
import { CallbackFaults, FaultConfig, parseFaultConfigJson, type EndpointKey } from './faults';

/** Endpoints whose request carries client_request_id (AD-film edit and compose have none). */
export const CLIENT_REQUEST_ID_ENDPOINTS = [
  ...GENERATION_KINDS,
  'ad-one-click',
  'one-click-mv',
] as const satisfies readonly EndpointKey[];
export type ClientRequestIdEndpoint = (typeof CLIENT_REQUEST_ID_ENDPOINTS)[number];

export class SimConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid simulator configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'SimConfigError';
  }
}

// Environment strings: an empty value means "not set" so `VIDU_SIM_SEED=` in a
// compose file falls back to the default instead of failing as NaN.
const unset = (v: unknown) => (v === '' ? undefined : v);
const num = (min: number, max: number, def: number, int = false) => {
  const want = `must be ${int ? 'an integer' : 'a number'} between ${min} and ${max}`;
  const inner = int ? z.number().int({ error: want }) : z.number();
  return z.preprocess(
    unset,
    z.coerce
      .number({ error: want })
      .pipe(inner.min(min, { error: want }).max(max, { error: want }))
      .default(def),
  );
};
const rate = () => num(0, 1, 0);

const EnvSchema = z.object({
  VIDU_SIM_HOST: z.preprocess(unset, z.string().min(1).default('127.0.0.1')),
  VIDU_SIM_PORT: num(0, 65535, 8790, true),
  VIDU_SIM_PUBLIC_URL: z.preprocess(unset, z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()),
  VIDU_SIM_API_KEY: z.preprocess(unset, z.string().min(1).default('sim-key')),
  VIDU_SIM_TIME_SCALE: num(0, 1_000_000, 1),
  VIDU_SIM_TICK_MS: num(5, 1000, 25, true),
  VIDU_SIM_QUEUE_SECONDS: num(0, 86_400, 1),
  VIDU_SIM_PROCESSING_SECONDS: num(0.001, 86_400, 30),
  VIDU_SIM_AD_FILM_SECONDS: num(0.001, 86_400, 60),
  VIDU_SIM_EDIT_SECONDS: num(0.001, 86_400, 20),
  VIDU_SIM_COMPOSE_SECONDS: num(0.001, 86_400, 20),
  VIDU_SIM_MAX_CONCURRENCY: num(1, 10_000, 5, true),
  VIDU_SIM_OFF_PEAK_DELAY_SECONDS: num(0, 10 * 86_400, 6 * 3600),
  VIDU_SIM_OFF_PEAK_WINDOW_SECONDS: num(1, 30 * 86_400, 48 * 3600),
  VIDU_SIM_CREDITS: num(0, Number.MAX_SAFE_INTEGER, 100_000, true),
  VIDU_SIM_URL_TTL_SECONDS: num(1, 30 * 86_400, 3600),
  VIDU_SIM_CALLBACK_RETRY_MS: num(0, 600_000, 1000),
  VIDU_SIM_CALLBACK_RETRIES: num(0, 20, 3, true),
  VIDU_SIM_CALLBACK_TIMEOUT_MS: num(1, 600_000, 5000),
  VIDU_SIM_CALLBACK_DROP_RATE: rate(),
  VIDU_SIM_CALLBACK_DUPLICATE_RATE: rate(),
  VIDU_SIM_CALLBACK_DELAY_RATE: rate(),
  VIDU_SIM_CALLBACK_DELAY_MS: z.preprocess(
    unset,
    z
      .string()
      .regex(/^\s*\d+(\.\d+)?\s*(,\s*\d+(\.\d+)?\s*)?$/, 'expected "<ms>" or "<min>,<max>"')
      .transform((s) => s.split(',').map(Number))
      .refine((a) => a.length === 1 || (a[0] ?? 0) <= (a[1] ?? 0), 'min must not exceed max')
      .transform((a): [number, number] => [a[0] ?? 0, a[1] ?? a[0] ?? 0])
      .default([500, 2000]),
  ),
  VIDU_SIM_CALLBACK_REORDER_RATE: rate(),
  VIDU_SIM_FETCH_TIMEOUT_MS: num(1, 600_000, 5000),
  VIDU_SIM_FETCH_MAX_BYTES: num(1, 2 ** 40, 200 * 1024 * 1024, true),
  VIDU_SIM_MAX_BODY_BYTES: num(1, 2 ** 31, 20 * 1024 * 1024, true),
  // Vidu documents client_request_id only for img2video (docs/vidu-api.md §1, §11); these endpoints refuse it
  // the way real Vidu refuses any unknown field: 400 FieldUnwanted naming it, no task created.
  VIDU_SIM_REFUSE_CLIENT_REQUEST_ID: z.preprocess(
    unset,
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((e) => e.trim())
          .filter((e) => e !== ''),
      )
      .pipe(
        z.array(
          z.enum(CLIENT_REQUEST_ID_ENDPOINTS, {
            error: `must list endpoints among ${CLIENT_REQUEST_ID_ENDPOINTS.join(', ')}`,
          }),
        ),
      )
      .default([]),
  ),
  VIDU_SIM_SEED: z.preprocess(unset, z.string().optional()),
  VIDU_SIM_FAULTS: z.preprocess(unset, z.string().optional()),
  // A prices file (the VIDU_FLOW_PRICES_FILE format) over the registry's table: tests make the sim disagree with the estimate.
  VIDU_SIM_PRICES_FILE: z.preprocess(unset, z.string().optional()),
  VIDU_SIM_REQUEST_LOG_LIMIT: num(0, 1_000_000, 10_000, true),
  VIDU_SIM_LOG_LEVEL: z.preprocess(
    unset,
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('warn'),
  ),
});

/** Every variable the simulator reads (docker-compose.yml is checked against it: test/unit/compose-env.test.ts). */
export const SIM_ENV_VARS: readonly string[] = [...Object.keys(EnvSchema.shape), ...MODELS_FILE_ENV_VARS];

export interface SimConfig {
  host: string;
  /** 0 asks the OS for a free port (tests). */
  port: number;
  /** Base of the media URLs the sim hands out; defaults to the address it listens on. */
  publicUrl: string | undefined;
  apiKey: string;
  /** Simulated seconds per real second; 0 freezes the clock (only manual advances move it). */
  timeScale: number;
  tickMs: number;
  queueSeconds: number;
  processingSeconds: number;
  adFilmSeconds: number;
  editSeconds: number;
  composeSeconds: number;
  maxConcurrency: number;
  offPeakDelaySeconds: number;
  offPeakWindowSeconds: number;
  credits: number;
  urlTtlSeconds: number;
  callbackRetryMs: number;
  callbackRetries: number;
  callbackTimeoutMs: number;
  fetchTimeoutMs: number;
  fetchMaxBytes: number;
  maxBodyBytes: number;
  /** Endpoints answering 400 FieldUnwanted to a request that carries client_request_id. */
  refuseClientRequestId: ClientRequestIdEndpoint[];
  /** Unset: a fresh random seed per start. */
  seed: string | undefined;
  faults: FaultConfig;
  /** VIDU_SIM_PRICES_FILE's entries, over the registry's prices and the sim's stand-ins (sim/pricing.ts). */
  prices: PriceEntry[];
  requestLogLimit: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** Validate the environment; throws SimConfigError with one line per bad value. */
export function loadSimConfig(env: Record<string, string | undefined> = process.env): SimConfig {
  const picked: Record<string, string | undefined> = {};
  for (const key of Object.keys(EnvSchema.shape)) picked[key] = env[key];
  const parsed = EnvSchema.safeParse(picked);
  if (!parsed.success) {
    throw new SimConfigError(
      parsed.error.issues.map(
        (i) => `${i.path.join('.')}=${JSON.stringify(picked[String(i.path[0])] ?? '')}: ${i.message}`,
      ),
    );
  }
  const e = parsed.data;
  // The simulator accepts the models and fields vidu-flow's models file adds (README "New models
  // without a release"), so the tests can run them end to end; installed for this process.
  try {
    loadModelsFile(env);
  } catch (err) {
    if (err instanceof ConfigError) throw new SimConfigError(err.problems);
    throw err;
  }
  let faults: FaultConfig = {};
  if (e.VIDU_SIM_FAULTS !== undefined) {
    const r = parseFaultConfigJson(e.VIDU_SIM_FAULTS);
    if (!r.ok) throw new SimConfigError(r.problems.map((p) => `VIDU_SIM_FAULTS: ${p}`));
    faults = r.faults;
  }
  // The dedicated callback env knobs fill in whatever VIDU_SIM_FAULTS.callbacks leaves unset.
  const cb: CallbackFaults = {
    dropRate: e.VIDU_SIM_CALLBACK_DROP_RATE,
    duplicateRate: e.VIDU_SIM_CALLBACK_DUPLICATE_RATE,
    delayRate: e.VIDU_SIM_CALLBACK_DELAY_RATE,
    delayMs: e.VIDU_SIM_CALLBACK_DELAY_MS,
    reorderRate: e.VIDU_SIM_CALLBACK_REORDER_RATE,
    ...faults.callbacks,
  };
  faults = { ...faults, callbacks: cb };
  const prices = e.VIDU_SIM_PRICES_FILE === undefined ? [] : readSimPrices(e.VIDU_SIM_PRICES_FILE);
  return {
    host: e.VIDU_SIM_HOST,
    port: e.VIDU_SIM_PORT,
    publicUrl: e.VIDU_SIM_PUBLIC_URL?.replace(/\/+$/, ''),
    apiKey: e.VIDU_SIM_API_KEY,
    timeScale: e.VIDU_SIM_TIME_SCALE,
    tickMs: e.VIDU_SIM_TICK_MS,
    queueSeconds: e.VIDU_SIM_QUEUE_SECONDS,
    processingSeconds: e.VIDU_SIM_PROCESSING_SECONDS,
    adFilmSeconds: e.VIDU_SIM_AD_FILM_SECONDS,
    editSeconds: e.VIDU_SIM_EDIT_SECONDS,
    composeSeconds: e.VIDU_SIM_COMPOSE_SECONDS,
    maxConcurrency: e.VIDU_SIM_MAX_CONCURRENCY,
    offPeakDelaySeconds: e.VIDU_SIM_OFF_PEAK_DELAY_SECONDS,
    offPeakWindowSeconds: e.VIDU_SIM_OFF_PEAK_WINDOW_SECONDS,
    credits: e.VIDU_SIM_CREDITS,
    urlTtlSeconds: e.VIDU_SIM_URL_TTL_SECONDS,
    callbackRetryMs: e.VIDU_SIM_CALLBACK_RETRY_MS,
    callbackRetries: e.VIDU_SIM_CALLBACK_RETRIES,
    callbackTimeoutMs: e.VIDU_SIM_CALLBACK_TIMEOUT_MS,
    fetchTimeoutMs: e.VIDU_SIM_FETCH_TIMEOUT_MS,
    fetchMaxBytes: e.VIDU_SIM_FETCH_MAX_BYTES,
    maxBodyBytes: e.VIDU_SIM_MAX_BODY_BYTES,
    refuseClientRequestId: e.VIDU_SIM_REFUSE_CLIENT_REQUEST_ID,
    seed: e.VIDU_SIM_SEED,
    faults,
    prices,
    requestLogLimit: e.VIDU_SIM_REQUEST_LOG_LIMIT,
    logLevel: e.VIDU_SIM_LOG_LEVEL,
  };
}

function readSimPrices(file: string): PriceEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SimConfigError([`VIDU_SIM_PRICES_FILE=${JSON.stringify(file)}: ${(err as Error).message}`]);
  }
  const parsed = parsePricesFile(json);
  if (!parsed.ok) throw new SimConfigError(parsed.problems.map((p) => `VIDU_SIM_PRICES_FILE: ${p}`));
  return parsed.entries;
}
