// A real S3 server (versitygw) for tests: found or built once (dev/s3-binary.ts; building is
// allowed, so a fresh clone with Go builds it into the cache), started on a free loopback port
// over a temporary folder, with one bucket. If it can be neither found nor built, this throws
// findS3Binary's instructions and the test FAILS: no test is skipped for want of a server.

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { findS3Binary } from '../../dev/s3-binary';
import { ensureBucket, startS3Server, type S3Server } from '../../dev/s3-server';
import { getFreePort } from '../../dev/temporal-server';
import { s3ClientFromEnv } from '../../platform/stores/s3-client';

export interface TestS3 {
  server: S3Server;
  bucket: string;
  /** The variables a worker or client needs to reach it (endpoint, region, keys, path style). */
  env: Record<string, string>;
  s3: S3Client;
  /** The posix folder behind the server (bucket = `<dataDir>/<bucket>`). */
  dataDir: string;
  stop(): Promise<void>;
}

export async function startTestS3(bucket = 'vidu-test'): Promise<TestS3> {
  const binary = await findS3Binary({ build: true });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vidu-flow-s3-'));
  const creds = { accessKeyId: 'vidu-test', secretAccessKey: randomBytes(18).toString('hex') };
  const server = await startS3Server({ binary: binary.path, port: await getFreePort(), dataDir, ...creds });
  await ensureBucket(server, creds, bucket);
  const env = {
    AWS_ENDPOINT_URL_S3: server.endpoint,
    AWS_REGION: server.region,
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_S3_FORCE_PATH_STYLE: '1',
  };
  const s3 = s3ClientFromEnv(env);
  return {
    server,
    bucket,
    env,
    s3,
    dataDir,
    stop: async () => {
      s3.destroy();
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
