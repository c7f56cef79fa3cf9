// `npm run s3`: find (or build once) versitygw and serve S3 on this machine until Ctrl-C, with a
// bucket ready; prints the environment a worker and the client need. `--ensure-only` only
// finds/builds the binary and prints its path.
//
// Environment:
//   S3_PORT                 port on 127.0.0.1 (default 9000)
//   S3_DATA_DIR             where objects are kept (default ./data/s3; one folder per bucket)
//   S3_BUCKET               bucket to create (default vidu-flow)
//   AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY  the root keys; made up and printed when unset
//   VIDU_FLOW_S3_SERVER_PATH  an existing versitygw (see dev/s3-binary.ts for the other routes)

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { findS3Binary } from './s3-binary';
import { ensureBucket, startS3Server } from './s3-server';

const Env = z.object({
  S3_PORT: z.coerce
    .number()
    .int('S3_PORT: must be a whole number')
    .min(1, 'S3_PORT: must be 1-65535')
    .max(65535, 'S3_PORT: must be 1-65535')
    .default(9000),
  S3_DATA_DIR: z.string().min(1).default('./data/s3'),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'S3_BUCKET: must be 3-63 lowercase letters, digits, dots or hyphens')
    .default('vidu-flow'),
  AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
});

const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(argv: string[]): Promise<void> {
  const opts = new Command()
    .name('npm run s3 --')
    .description('Run a local S3-compatible server (versitygw) for vidu-flow.')
    .option('--ensure-only', 'only find or build versitygw, print its path and route, and exit')
    .option('--no-build', 'never build versitygw; only use one that already exists')
    .parse(argv)
    .opts<{ ensureOnly?: boolean; build: boolean }>();
  const raw = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== ''));
  const parsed = Env.safeParse(raw);
  if (!parsed.success)
    throw new Error(`Invalid environment:\n${parsed.error.issues.map((i) => `  ${i.message}`).join('\n')}`);
  const env = parsed.data;
  if (!!env.AWS_ACCESS_KEY_ID !== !!env.AWS_SECRET_ACCESS_KEY) {
    throw new Error(
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: set both or neither (then keys are made up and printed)',
    );
  }

  const binary = await findS3Binary({ build: opts.build, log });
  if (opts.ensureOnly) {
    process.stdout.write(`${JSON.stringify(binary)}\n`);
    log(`versitygw: ${binary.path} (route: ${binary.route})`);
    return;
  }
  const creds = {
    accessKeyId: env.AWS_ACCESS_KEY_ID ?? `vf${randomBytes(9).toString('hex')}`,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? randomBytes(24).toString('base64url'),
  };
  const dataDir = path.resolve(env.S3_DATA_DIR);
  const server = await startS3Server({
    binary: binary.path,
    port: env.S3_PORT,
    dataDir,
    ...creds,
    log: (l) => log(`[versitygw] ${l}`),
  });
  await ensureBucket(server, creds, env.S3_BUCKET);
  log(`S3 server ready (versitygw ${binary.route}, pid ${server.pid}); data in ${dataDir}, bucket ${env.S3_BUCKET}`);
  log('Environment for the worker and the client:');
  const lines = [
    `AWS_ENDPOINT_URL_S3=${server.endpoint}`,
    `AWS_REGION=${server.region}`,
    `AWS_ACCESS_KEY_ID=${creds.accessKeyId}`,
    `AWS_SECRET_ACCESS_KEY=${creds.secretAccessKey}`,
    'AWS_S3_FORCE_PATH_STYLE=1',
    `ARCHIVE_URL=s3://${env.S3_BUCKET}/archive`,
    `STAGING_URL=s3://${env.S3_BUCKET}/staging`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (!env.AWS_ACCESS_KEY_ID)
    log('(keys made up for this run; set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY to keep them)');
  log('Press Ctrl-C to stop.');

  const signal = await Promise.race([
    new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGHUP', () => resolve('SIGHUP')); // the terminal (or npm's shell) went away
    }),
    server.exited.then(() => undefined),
  ]);
  if (signal === undefined) throw new Error('the S3 server exited unexpectedly');
  await server.stop();
}

main(process.argv).then(
  () => process.exit(0),
  (err: unknown) => {
    log(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
