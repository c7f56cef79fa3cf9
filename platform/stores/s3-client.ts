import type { S3Client } from '@aws-sdk/client-s3';
import { s3Sdk } from './aws-sdk';

// The variables read here are listed in s3-env.ts (S3_ENV_VARS); keep the two in step.

/**
 * An S3 client configured the SDK's standard way. Endpoint, region and keys are read from `env`
 * when set there (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, AWS_REGION or AWS_DEFAULT_REGION,
 * AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN); whatever is unset is left to the
 * SDK's default chain (shared config and credentials files, AWS_PROFILE, SSO, web identity,
 * container and instance roles).
 *
 * Path-style addressing (http://host/bucket/key): AWS_S3_FORCE_PATH_STYLE=1 forces it, =0 turns it
 * off; unset, it is on exactly when a custom endpoint is set, because S3-compatible servers
 * (versitygw, MinIO, Ceph) rarely have per-bucket DNS names, while AWS itself wants virtual hosts.
 */
export function s3ClientFromEnv(env: NodeJS.ProcessEnv = process.env): S3Client {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  const keys =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          accessKeyId: env.AWS_ACCESS_KEY_ID,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
          ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
        }
      : undefined;
  return new s3Sdk.S3Client({
    ...(endpoint ? { endpoint } : {}),
    // A custom endpoint without a region (a local versitygw or MinIO) signs for us-east-1.
    ...(region ? { region } : endpoint ? { region: 'us-east-1' } : {}),
    ...(keys ? { credentials: keys } : {}),
    forcePathStyle: forcePathStyle(env, endpoint !== undefined),
  });
}

export function forcePathStyle(env: NodeJS.ProcessEnv, customEndpoint: boolean): boolean {
  const v = (env.AWS_S3_FORCE_PATH_STYLE ?? '').trim().toLowerCase();
  if (['1', 'true', 'yes'].includes(v)) return true;
  if (['0', 'false', 'no'].includes(v)) return false;
  if (v !== '')
    throw new Error(
      `AWS_S3_FORCE_PATH_STYLE: must be 1/true or 0/false, got ${JSON.stringify(env.AWS_S3_FORCE_PATH_STYLE)}`,
    );
  return customEndpoint;
}
