import path from 'node:path';
import { priceSourceFromEnv, type PriceSource } from '../platform/prices/prices-file';
import { type BudgetSource, budgetSourceFromEnv, keyIdsOfKeysFile } from '../platform/budgets/budgets-file';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  apiKeyEnv,
  ConfigError,
  httpUrl,
  loadAll,
  parseEnv,
  port,
  stagingTtlEnv,
  temporalEnv,
} from '../platform/config/env';
import { checkKeysFileMode } from '../platform/keys/api-keys';
import { loadTemporalConnection, TEMPORAL_ENV_VARS, type TemporalConnection } from '../platform/temporal/connection';
import { parseInputRoots } from '../activities/input-roots';
import { parseAllowPrivate, type AddressPolicy } from '../platform/net/address-policy';
import { parseWebhookAllowPrivate, type WebhookAddressPolicy } from '../platform/net/webhook-policy';
import { S3_ENV_VARS } from '../platform/stores/s3-env';
import { loadModelsFile, MODELS_FILE_ENV_VARS } from '../platform/config/models-file';
import { parseS3Url, type S3Location } from '../platform/stores/s3-location';
import { telemetryConfig, telemetryEnv, type TelemetryConfig } from '../platform/telemetry/telemetry-config';
import { workflowTuning, workflowTuningEnv, type WorkflowTuning } from './workflow-tuning';
import { versioningConfig, versioningEnv, type VersioningConfig } from './versioning-config';
import { balanceConfig, balanceEnv, type BalanceConfig } from './balance-config';

const archiveUrl = z
  .string()
  .refine((v) => /^(file|s3):\/\//.test(v), 'must be file://<dir> or s3://<bucket>/<prefix>');

const WorkerEnv = z.object({
  ...temporalEnv,
  VIDU_BASE_URL: httpUrl.default('https://api.vidu.com'),
  VIDU_API_KEY: apiKeyEnv('the Vidu API key'),
  VIDU_CALLBACK_URL: httpUrl.optional(),
  VIDU_HTTP_TIMEOUT_MS: z.coerce.number().int().min(1000, 'must be at least 1000').default(30_000),
  ARCHIVE_DIR: z.string().default('./data/archive'),
  ARCHIVE_URL: archiveUrl.optional(),
  STAGING_DIR: z.string().default('./data/staging'),
  STAGING_URL: archiveUrl.optional(),
  CALLBACK_PORT: port(8788),
  VIDU_MAX_IN_FLIGHT: z.coerce.number().int('must be a whole number').min(0, 'must be 0 (no cap) or more').optional(),
  VIDU_MAX_OFF_PEAK_IN_FLIGHT: z.coerce
    .number()
    .int('must be a whole number')
    .min(0, 'must be 0 (no cap) or more')
    .optional(),
  VIDU_SLOT_RECONCILE_SECONDS: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').default(60),
  VIDU_FLOW_INPUT_ROOTS: z.string().optional(),
  // Staged inputs nobody staged again for this long are removed (worker/staging-sweep.ts); 0: never.
  ...stagingTtlEnv,
  VIDU_FLOW_ALLOW_PRIVATE_URLS: z.string().optional(),
  VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS: z.string().optional(),
  ...telemetryEnv,
  VIDU_FLOW_API_KEYS_FILE: z.string().optional(),
  // The operator's prices over the built-in table (platform/prices/prices-file.ts).
  VIDU_FLOW_PRICES_FILE: z.string().optional(),
  // The operator's budgets (platform/budgets/budgets-file.ts; README "Spend control").
  VIDU_FLOW_BUDGETS_FILE: z.string().optional(),
  ...workflowTuningEnv,
  ...versioningEnv,
  ...balanceEnv,
});

/**
 * Every variable the worker's configuration reads: its own, the Temporal connection's (and
 * TEMPORAL_GRPC_META_*) and the S3 client's. Deployment files are checked against it
 * (test/unit/compose-env.test.ts). VIDU_FLOW_WORKFLOW_BUNDLE is read by workflow-bundle.ts.
 */
export const WORKER_ENV_VARS: readonly string[] = [
  ...Object.keys(WorkerEnv.shape),
  ...TEMPORAL_ENV_VARS,
  ...S3_ENV_VARS,
  ...MODELS_FILE_ENV_VARS,
];

export interface WorkerConfig {
  /** Address, namespace and connection options (TEMPORAL_*, temporal.toml), and the task queue. */
  temporal: TemporalConnection & { taskQueue: string };
  vidu: { baseUrl: string; apiKey: string; timeoutMs: number };
  callbackUrl: string | undefined;
  /** Unset: derived from the account's concurrency limit at start-up. 0: no cap. */
  maxInFlight: number | undefined;
  /** Off-peak tasks in flight (their own pool, never counted in maxInFlight); unset or 0: no cap. */
  maxOffPeakInFlight: number | undefined;
  slotReconcileSeconds: number;
  archiveDir: string;
  /** ARCHIVE_URL=s3://bucket/prefix: the archive is there instead of archiveDir. */
  archiveS3?: S3Location;
  /** Local staging folder; with stagingS3 it is this worker's cache of the bucket's staged files. */
  stagingDir: string;
  /** STAGING_URL=s3://bucket/prefix: staged inputs shared with the client and other workers. */
  stagingS3?: S3Location;
  /** VIDU_FLOW_STAGING_TTL_DAYS (default 7): staged inputs older than this are swept; 0: never. */
  stagingTtlDays: number;
  /** VIDU_FLOW_INPUT_ROOTS: the only folders local-path inputs are read from (default: none). */
  inputRoots: string[];
  /** VIDU_FLOW_ALLOW_PRIVATE_URLS: which private addresses downloads may reach (default: none). */
  privateUrls: AddressPolicy;
  /** VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS: which private destinations (and ports) webhooks may reach (default: none; never the download list). */
  webhookPrivateUrls: WebhookAddressPolicy;
  /** METRICS_PORT (metrics, /healthz, /readyz) and OTEL_EXPORTER_OTLP_ENDPOINT (tracing). */
  telemetry: TelemetryConfig;
  /** VIDU_FLOW_API_KEYS_FILE: the HTTP API's keys, read for the webhook secrets (unset: no webhooks are signed). */
  apiKeysFile?: string;
  /** VIDU_FLOW_MAX_CACHED_WORKFLOWS and VIDU_FLOW_STICKY_TIMEOUT_SECONDS (worker/workflow-tuning.ts). */
  workflowTuning: WorkflowTuning;
  /** VIDU_FLOW_DEPLOYMENT_NAME, VIDU_FLOW_BUILD_ID, VIDU_FLOW_PROMOTE (worker/versioning-config.ts). */
  versioning: VersioningConfig;
  /** VIDU_FLOW_PRICES_FILE over the built-in price table: every generation's estimate (read again when it changes). */
  prices: PriceSource;
  /** The balance watch and the credits floors (worker/balance-config.ts). */
  balance: BalanceConfig;
  /** VIDU_FLOW_BUDGETS_FILE: the budgets every reservation is checked against (read again when it changes). */
  budgets: BudgetSource;
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  // The models file is installed for this process: the stage activity checks requests with it.
  const [e, connection] = loadAll(
    () => parseEnv(WorkerEnv, env, ['VIDU_API_KEY', 'METRICS_TOKEN']),
    () => loadTemporalConnection(env),
    () => loadModelsFile(env),
  );
  let archiveDir = e.ARCHIVE_DIR;
  let stagingDir = e.STAGING_DIR;
  const archiveS3 = e.ARCHIVE_URL?.startsWith('s3://') ? parseS3Url(e.ARCHIVE_URL, 'ARCHIVE_URL') : undefined;
  const stagingS3 = e.STAGING_URL?.startsWith('s3://') ? parseS3Url(e.STAGING_URL, 'STAGING_URL') : undefined;
  if (e.ARCHIVE_URL && !archiveS3) archiveDir = fileUrlToDir(e.ARCHIVE_URL);
  if (e.STAGING_URL && !stagingS3) stagingDir = fileUrlToDir(e.STAGING_URL);
  const privateUrls = parseAllowPrivate(e.VIDU_FLOW_ALLOW_PRIVATE_URLS); // throws naming the variable
  // The keys file holds every webhook secret: refused at start if other users may read or write it.
  if (e.VIDU_FLOW_API_KEYS_FILE) {
    try {
      checkKeysFileMode(e.VIDU_FLOW_API_KEYS_FILE);
    } catch (err) {
      throw new ConfigError([(err as Error).message]);
    }
  }
  const webhookPrivateUrls = parseWebhookAllowPrivate(e.VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS); // likewise
  const prices = priceSourceFromEnv(env); // throws ConfigError naming the entry and the rule
  // Likewise; a budget's caller must be a key id of the keys file (when one is set) or `operator`.
  const keysFile = e.VIDU_FLOW_API_KEYS_FILE;
  const budgets = budgetSourceFromEnv(env, () => (keysFile ? keyIdsOfKeysFile(keysFile) : undefined));
  return {
    temporal: { ...connection, taskQueue: e.VIDU_TASK_QUEUE },
    vidu: { baseUrl: e.VIDU_BASE_URL, apiKey: e.VIDU_API_KEY, timeoutMs: e.VIDU_HTTP_TIMEOUT_MS },
    callbackUrl: e.VIDU_CALLBACK_URL,
    maxInFlight: e.VIDU_MAX_IN_FLIGHT,
    maxOffPeakInFlight: e.VIDU_MAX_OFF_PEAK_IN_FLIGHT,
    slotReconcileSeconds: e.VIDU_SLOT_RECONCILE_SECONDS,
    archiveDir: path.resolve(archiveDir),
    ...(archiveS3 ? { archiveS3 } : {}),
    stagingDir: path.resolve(stagingDir),
    ...(stagingS3 ? { stagingS3 } : {}),
    stagingTtlDays: e.VIDU_FLOW_STAGING_TTL_DAYS,
    inputRoots: parseInputRoots(e.VIDU_FLOW_INPUT_ROOTS),
    privateUrls,
    webhookPrivateUrls,
    telemetry: telemetryConfig(e),
    ...(e.VIDU_FLOW_API_KEYS_FILE ? { apiKeysFile: path.resolve(e.VIDU_FLOW_API_KEYS_FILE) } : {}),
    workflowTuning: workflowTuning(e),
    versioning: versioningConfig(e, env),
    prices,
    balance: balanceConfig(e),
    budgets,
  };
}

/**
 * `file:///abs/dir` (or `file://localhost/abs/dir`) is a proper file URL: decoded as such, so
 * `%20` becomes a space. `file://./dir` and `file://dir` are what people also write for a relative
 * directory; a URL parser would read `.` or `dir` as a host name and drop it, so the text after
 * `file://` is taken as a path relative to the working directory instead.
 */
function fileUrlToDir(value: string): string {
  let host: string | undefined;
  try {
    host = new URL(value).host;
  } catch {
    host = undefined; // e.g. file://my archive: not a URL at all, so a relative path
  }
  if (host === '') return fileURLToPath(value);
  const rest = value.slice('file://'.length);
  try {
    return decodeURIComponent(rest);
  } catch {
    return rest;
  }
}
