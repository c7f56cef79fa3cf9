import { z } from 'zod';
import { priceSourceFromEnv, type PriceSource } from '../platform/prices/prices-file';
import { type BudgetSource, budgetSourceFromEnv } from '../platform/budgets/budgets-file';
import { parseAllowPrivate, type AddressPolicy } from '../platform/net/address-policy';
import { parseWebhookAllowPrivate, type WebhookAddressPolicy } from '../platform/net/webhook-policy';
import { loadAll, parseEnv, port, stagingTtlEnv, temporalEnv } from '../platform/config/env';
import { type ApiKey, checkKeysFileMode, loadKeysFile, KeysFileError } from '../platform/keys/api-keys';
import { API_LIMIT_DEFAULTS } from './limits';
import { ConfigError } from '../platform/config/env';
import { TEMPORAL_ENV_VARS } from '../platform/temporal/connection';
import { S3_ENV_VARS } from '../platform/stores/s3-env';
import { loadModelsFile, MODELS_FILE_ENV_VARS } from '../platform/config/models-file';
import { STUDIO_ENV_VARS } from './studio/archive-reader';

// The HTTP API's environment, checked at start-up (one line per bad variable). Deny by default:
// without VIDU_FLOW_API_KEYS_FILE, or with a file that lists no key, or one that other users may
// read or write, the API refuses to start. It listens on 127.0.0.1 unless API_HOST says otherwise.

const ApiEnv = z.object({
  ...temporalEnv,
  API_PORT: port(8787),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  STAGING_DIR: z.string().default('./data/staging'),
  // s3://bucket/prefix: large data: URIs are staged into the bucket the workers read (as the client library does).
  STAGING_URL: z.string().optional(),
  VIDU_FLOW_API_KEYS_FILE: z.string().optional(),
  // The operator's prices for POST /v1/estimates (platform/prices/prices-file.ts).
  VIDU_FLOW_PRICES_FILE: z.string().optional(),
  // The operator's budgets, checked at start like the worker's and shown by GET /v1/budgets.
  VIDU_FLOW_BUDGETS_FILE: z.string().optional(),
  VIDU_FLOW_ALLOW_PRIVATE_URLS: z.string().optional(),
  // Notify URLs: the webhooks' own list (platform/net/webhook-policy.ts), checked early here and again by the worker.
  VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS: z.string().optional(),
  // The limits of the front door (api/front-door.ts, api/server.ts API_LIMIT_DEFAULTS).
  API_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024, 'must be at least 1024')
    .default(API_LIMIT_DEFAULTS.bodyLimit),
  API_BATCH_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024, 'must be at least 1024')
    .default(API_LIMIT_DEFAULTS.batchBodyLimit),
  API_UPLOAD_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024, 'must be at least 1024')
    .default(API_LIMIT_DEFAULTS.uploadBodyLimit),
  // Reported as an upload's expiresAt; the worker's sweep (worker/config.ts) is what removes it.
  ...stagingTtlEnv,
  API_JSON_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024, 'must be at least 1024')
    .default(API_LIMIT_DEFAULTS.jsonBodyLimit),
  API_JSON_MAX_DEPTH: z.coerce
    .number()
    .int()
    .min(8, 'must be at least 8')
    .max(1000, 'must be at most 1000')
    .default(API_LIMIT_DEFAULTS.jsonMaxDepth),
  API_RATE_LIMIT_PER_KEY: z.coerce
    .number()
    .int()
    .min(0, 'must be 0 (no limit) or more')
    .default(API_LIMIT_DEFAULTS.rateLimitPerKey),
  API_RATE_LIMIT_PER_ADDRESS: z.coerce
    .number()
    .int()
    .min(0, 'must be 0 (no limit) or more')
    .default(API_LIMIT_DEFAULTS.rateLimitPerAddress),
  API_MAX_STREAMS_PER_KEY: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .default(API_LIMIT_DEFAULTS.maxStreamsPerKey),
  API_MAX_STREAMS: z.coerce.number().int().min(1, 'must be at least 1').default(API_LIMIT_DEFAULTS.maxStreams),
  // fastify's trustProxy: `true`, or the proxies' addresses/CIDRs (comma-separated). Unset: the client address is the peer's.
  API_TRUST_PROXY: z.string().min(1).optional(),
  API_EVENTS_POLL_MS: z.coerce.number().int().min(50, 'must be at least 50').default(API_LIMIT_DEFAULTS.eventsPollMs),
});

/** Every variable the API reads (deployment files are checked against it: test/unit/compose-env.test.ts). */
export const API_ENV_VARS: readonly string[] = [
  ...Object.keys(ApiEnv.shape),
  ...TEMPORAL_ENV_VARS,
  ...S3_ENV_VARS,
  ...STUDIO_ENV_VARS,
  ...MODELS_FILE_ENV_VARS,
];

export interface ApiConfig {
  port: number;
  host: string;
  taskQueue: string;
  stagingDir: string;
  keysFile: string;
  keys: ApiKey[];
  privateUrls: AddressPolicy;
  webhookPrivateUrls: WebhookAddressPolicy;
  bodyLimit: number;
  batchBodyLimit: number;
  uploadBodyLimit: number;
  stagingTtlDays: number;
  jsonBodyLimit: number;
  jsonMaxDepth: number;
  rateLimitPerKey: number;
  rateLimitPerAddress: number;
  maxStreamsPerKey: number;
  maxStreams: number;
  trustProxy?: boolean | string;
  eventsPollMs: number;
  /** VIDU_FLOW_PRICES_FILE over the built-in prices (POST /v1/estimates); re-read when it changes. */
  prices: PriceSource;
  /** VIDU_FLOW_BUDGETS_FILE: the budgets GET /v1/budgets shows (a key: its own); re-read when it changes. */
  budgets: BudgetSource;
}

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  // The models file is installed for this process: starts are checked with it (contract/generation-input.ts).
  const [e] = loadAll(
    () => parseEnv(ApiEnv, env),
    () => loadModelsFile(env),
  );
  const problems: string[] = [];
  let keys: ApiKey[] = [];
  try {
    keys = loadKeysFile(e.VIDU_FLOW_API_KEYS_FILE);
    checkKeysFileMode(e.VIDU_FLOW_API_KEYS_FILE!);
    if (keys.length === 0)
      problems.push(
        `VIDU_FLOW_API_KEYS_FILE: ${e.VIDU_FLOW_API_KEYS_FILE} lists no key; the API would refuse every call, so it does not start`,
      );
  } catch (err) {
    if (!(err instanceof KeysFileError)) throw err;
    problems.push(err.message);
  }
  let privateUrls: AddressPolicy | undefined;
  try {
    privateUrls = parseAllowPrivate(e.VIDU_FLOW_ALLOW_PRIVATE_URLS);
  } catch (err) {
    problems.push((err as Error).message);
  }
  let webhookPrivateUrls: WebhookAddressPolicy | undefined;
  try {
    webhookPrivateUrls = parseWebhookAllowPrivate(e.VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS);
  } catch (err) {
    problems.push((err as Error).message);
  }
  let prices: PriceSource | undefined;
  try {
    prices = priceSourceFromEnv(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  let budgets: BudgetSource | undefined;
  try {
    const keyIds = keys.map((k) => k.id);
    budgets = budgetSourceFromEnv(env, () => keyIds);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  if (problems.length > 0 || !privateUrls || !webhookPrivateUrls || !prices || !budgets)
    throw new ConfigError(problems);
  return {
    port: e.API_PORT,
    host: e.API_HOST,
    taskQueue: e.VIDU_TASK_QUEUE,
    stagingDir: e.STAGING_DIR,
    keysFile: e.VIDU_FLOW_API_KEYS_FILE!,
    prices,
    budgets,
    keys,
    privateUrls,
    webhookPrivateUrls,
    bodyLimit: e.API_BODY_LIMIT_BYTES,
    batchBodyLimit: e.API_BATCH_BODY_LIMIT_BYTES,
    uploadBodyLimit: e.API_UPLOAD_BODY_LIMIT_BYTES,
    stagingTtlDays: e.VIDU_FLOW_STAGING_TTL_DAYS,
    jsonBodyLimit: e.API_JSON_BODY_LIMIT_BYTES,
    jsonMaxDepth: e.API_JSON_MAX_DEPTH,
    rateLimitPerKey: e.API_RATE_LIMIT_PER_KEY,
    rateLimitPerAddress: e.API_RATE_LIMIT_PER_ADDRESS,
    maxStreamsPerKey: e.API_MAX_STREAMS_PER_KEY,
    maxStreams: e.API_MAX_STREAMS,
    ...(e.API_TRUST_PROXY !== undefined ? { trustProxy: e.API_TRUST_PROXY === 'true' ? true : e.API_TRUST_PROXY } : {}),
    eventsPollMs: e.API_EVENTS_POLL_MS,
  };
}
