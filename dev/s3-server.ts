// Runs versitygw serving S3 over a local folder (`versitygw posix <dir>`), for `npm run s3` and
// the tests. Each top-level folder of the data dir is a bucket.

import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

export interface S3ServerOptions {
  binary: string;
  /** Default 127.0.0.1: the dev server is never published beyond this machine. */
  host?: string;
  port: number;
  accessKeyId: string;
  secretAccessKey: string;
  dataDir: string;
  region?: string;
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface S3Server {
  /** e.g. http://127.0.0.1:9000 (AWS_ENDPOINT_URL_S3) */
  endpoint: string;
  region: string;
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export async function startS3Server(options: S3ServerOptions): Promise<S3Server> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'us-east-1';
  await fs.mkdir(options.dataDir, { recursive: true });
  // Keys travel in the environment, not argv, so `ps` does not show the secret.
  const args = ['--port', `${host}:${options.port}`, '--region', region, '--quiet', 'posix', options.dataDir];
  const child = spawn(options.binary, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ROOT_ACCESS_KEY_ID: options.accessKeyId, ROOT_SECRET_ACCESS_KEY: options.secretAccessKey },
  });
  const tail: string[] = [];
  const collect = (chunk: Buffer): void => {
    for (const line of chunk
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim())) {
      tail.push(line);
      options.log?.(line);
    }
    tail.splice(0, Math.max(0, tail.length - 20));
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let hasExited = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', () => resolve({ code: null, signal: null }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  }).finally(() => {
    hasExited = true;
  });
  const killOnExit = (): void => void (hasExited || child.kill('SIGKILL'));
  process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    if (!hasExited) child.kill('SIGTERM');
    const timer = setTimeout(() => hasExited || child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${options.port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (hasExited) break;
    // Any HTTP answer (403 for an unsigned request) means the gateway is serving.
    const answered = await fetch(endpoint, { signal: AbortSignal.timeout(2_000) }).then(
      () => true,
      () => false,
    );
    if (answered) return { endpoint, region, pid: child.pid ?? -1, exited, stop };
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const why = hasExited ? 'exited early' : 'did not answer in time';
  await stop();
  throw new Error(
    [
      `S3 server (versitygw) ${why}.`,
      `  command: ${options.binary} ${args.join(' ')}`,
      ...tail.map((l) => `    ${l}`),
    ].join('\n'),
  );
}

/** Creates `bucket` unless it exists (the root key owns every bucket of a posix backend). */
export async function ensureBucket(
  server: { endpoint: string; region: string },
  creds: { accessKeyId: string; secretAccessKey: string },
  bucket: string,
): Promise<void> {
  const s3 = new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: creds,
  });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (err) {
    const name = (err as Error).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw err;
  } finally {
    s3.destroy();
  }
}
