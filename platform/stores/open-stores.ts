import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { s3Sdk } from './aws-sdk';
import type { ArchiveStore } from './archive-store';
import { LocalArchiveStore } from './local-archive-store';
import { S3ArchiveStore } from './s3-archive-store';
import { s3ClientFromEnv } from './s3-client';
import { objectKey, parseS3Url, s3Url, type S3Location } from './s3-location';
import { S3StagingStore } from './s3-staging-store';
import { StagingStore, type InputStaging } from './staging-store';

// Builds the archive and staging stores the configuration names: a local folder, or a bucket
// (ARCHIVE_URL / STAGING_URL = s3://bucket/prefix). One place, used by the worker and the client.

export interface StoreSettings {
  archiveDir: string;
  archiveS3?: S3Location;
  stagingDir: string;
  stagingS3?: S3Location;
}

export interface OpenedStores {
  archive: ArchiveStore;
  staging: StagingStore;
  /** Checks that every bucket exists and can be written; errors name the variable. */
  check(): Promise<void>;
}

export function openStores(settings: StoreSettings, env: NodeJS.ProcessEnv = process.env): OpenedStores {
  const s3 = settings.archiveS3 || settings.stagingS3 ? s3ClientFromEnv(env) : undefined;
  const archive = settings.archiveS3
    ? new S3ArchiveStore(s3!, settings.archiveS3)
    : new LocalArchiveStore(settings.archiveDir);
  const staging = settings.stagingS3
    ? new S3StagingStore(s3!, settings.stagingS3, settings.stagingDir)
    : new StagingStore(settings.stagingDir);
  return {
    archive,
    staging,
    check: async () => {
      if (settings.archiveS3) await checkBucket(s3!, settings.archiveS3, 'ARCHIVE_URL');
      if (settings.stagingS3) await checkBucket(s3!, settings.stagingS3, 'STAGING_URL');
    },
  };
}

/**
 * The staging store for the client: STAGING_URL=s3://… (the bucket the workers read; the local
 * copy is removed once uploaded), else the folder `stagingDir` ?? STAGING_DIR ?? ./data/staging.
 */
export function openInputStaging(env: NodeJS.ProcessEnv = process.env, stagingDir?: string): InputStaging {
  const url = env.STAGING_URL || undefined;
  if (url?.startsWith('s3://')) {
    const cache = path.join(os.tmpdir(), `vidu-flow-staging-${process.getuid?.() ?? 'user'}`);
    return new S3StagingStore(s3ClientFromEnv(env), parseS3Url(url, 'STAGING_URL'), cache, { keepLocal: false });
  }
  return new StagingStore(stagingDir ?? env.STAGING_DIR ?? './data/staging');
}

/** HeadBucket, then a tiny put and delete under the prefix. */
export async function checkBucket(s3: S3Client, loc: S3Location, variable: string): Promise<void> {
  const where = s3Url(loc);
  try {
    await s3.send(new s3Sdk.HeadBucketCommand({ Bucket: loc.bucket }));
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404)
      throw new Error(
        `${variable}: bucket ${loc.bucket} does not exist (create it first; \`npm run s3\` creates one locally)`,
      );
    if (status === 403)
      throw new Error(
        `${variable}: access to bucket ${loc.bucket} is denied (check AWS_ACCESS_KEY_ID/AWS_PROFILE and the bucket policy)`,
      );
    throw new Error(`${variable}: cannot reach bucket ${loc.bucket}: ${describe(err)}`);
  }
  const key = objectKey(loc, `.vidu-flow-probe-${randomBytes(6).toString('hex')}`);
  try {
    await s3.send(
      new s3Sdk.PutObjectCommand({ Bucket: loc.bucket, Key: key, Body: 'probe', ContentType: 'text/plain' }),
    );
  } catch (err) {
    throw new Error(`${variable}: cannot write to ${where}: ${describe(err)}`);
  }
  await s3.send(new s3Sdk.DeleteObjectCommand({ Bucket: loc.bucket, Key: key })).catch(() => undefined);
}

function describe(err: unknown): string {
  const e = err as Error & { $metadata?: { httpStatusCode?: number }; code?: string };
  if (/region is missing/i.test(e.message ?? '')) return 'no region configured (set AWS_REGION)';
  const status = e.$metadata?.httpStatusCode;
  return [e.name && e.name !== 'Error' ? e.name : undefined, status ? `HTTP ${status}` : undefined, e.code, e.message]
    .filter(Boolean)
    .join(': ');
}
