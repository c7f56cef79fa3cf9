import path from 'node:path';
import { z } from 'zod';
import { httpUrl, parseEnv, port, temporalEnv } from './env';

const archiveUrl = z
  .string()
  .refine((v) => /^(file|s3):\/\//.test(v), 'must be file://<dir> or s3://<bucket>/<prefix>');

const WorkerEnv = z.object({
  ...temporalEnv,
  VIDU_BASE_URL: httpUrl.default('https://api.vidu.com'),
  VIDU_API_KEY: z.string({ error: 'is required (the Vidu API key)' }).min(1, 'is required (the Vidu API key)'),
  VIDU_CALLBACK_URL: httpUrl.optional(),
  VIDU_HTTP_TIMEOUT_MS: z.coerce.number().int().min(1000, 'must be at least 1000').default(30_000),
  ARCHIVE_DIR: z.string().default('./data/archive'),
  ARCHIVE_URL: archiveUrl.optional(),
  STAGING_DIR: z.string().default('./data/staging'),
  CALLBACK_PORT: port(8788),
});

export interface WorkerConfig {
  temporal: { address: string; namespace: string; taskQueue: string };
  vidu: { baseUrl: string; apiKey: string; timeoutMs: number };
  callbackUrl: string | undefined;
  archiveDir: string;
  stagingDir: string;
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const e = parseEnv(WorkerEnv, env, ['VIDU_API_KEY']);
  let archiveDir = e.ARCHIVE_DIR;
  if (e.ARCHIVE_URL?.startsWith('s3://')) {
    throw new Error('ARCHIVE_URL: s3:// archives are not implemented yet; use ARCHIVE_DIR or ARCHIVE_URL=file://<dir>');
  }
  if (e.ARCHIVE_URL) archiveDir = new URL(e.ARCHIVE_URL).pathname;
  return {
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.VIDU_TASK_QUEUE },
    vidu: { baseUrl: e.VIDU_BASE_URL, apiKey: e.VIDU_API_KEY, timeoutMs: e.VIDU_HTTP_TIMEOUT_MS },
    callbackUrl: e.VIDU_CALLBACK_URL,
    archiveDir: path.resolve(archiveDir),
    stagingDir: path.resolve(e.STAGING_DIR),
  };
}

const CallbackEnv = z.object({
  ...temporalEnv,
  VIDU_API_KEY: z.string({ error: 'is required (it verifies the callback signatures)' }).min(1, 'is required'),
  CALLBACK_PORT: port(8788),
  CALLBACK_HOST: z.string().default('0.0.0.0'),
  CALLBACK_MAX_SKEW_SECONDS: z.coerce.number().int().min(1).default(300),
});

export type CallbackConfig = z.output<typeof CallbackEnv>;

export function loadCallbackConfig(env: NodeJS.ProcessEnv = process.env): CallbackConfig {
  return parseEnv(CallbackEnv, env, ['VIDU_API_KEY']);
}
