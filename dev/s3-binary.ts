// Finds (or builds) versitygw, the S3-compatible server `npm run s3` and the tests run.
//
// Why versitygw (Apache-2.0): it serves S3 over a plain folder (`versitygw posix <dir>`), builds
// with plain `go install` through the Go module proxy, and needs nothing else. MinIO is AGPL and
// its module lists no installable versions on the proxy.
//
// Routes, tried in this order (like dev/temporal-binary.ts):
//   1. VIDU_FLOW_S3_SERVER_PATH  an explicit path; it must exist and be executable.
//   2. PATH                      a `versitygw` already installed.
//   3. cache                     ${XDG_CACHE_HOME:-~/.cache}/vidu-flow/s3-server/versitygw-v1.8.0/versitygw
//   4. go-build                  `go install github.com/versity/versitygw/cmd/versitygw@v1.8.0` into that
//                                cache (first run only; a few minutes), only when `build: true`.

import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { commandOutput, errorMessage, executableProblem, findOnPath } from './executables';

export const S3_SERVER_VERSION = 'v1.8.0';
export const S3_SERVER_GO_PACKAGE = 'github.com/versity/versitygw/cmd/versitygw';
export const S3_SERVER_PATH_ENV = 'VIDU_FLOW_S3_SERVER_PATH';

export type S3BinaryRoute = typeof S3_SERVER_PATH_ENV | 'PATH' | 'cache' | 'go-build';

export interface S3Binary {
  path: string;
  route: S3BinaryRoute;
}

export interface FindS3BinaryOptions {
  /** Allow building it with Go when nothing is found. */
  build: boolean;
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** `${XDG_CACHE_HOME:-~/.cache}/vidu-flow/s3-server/versitygw-<version>/versitygw` */
export function cachedS3BinaryPath(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache');
  return path.join(base, 'vidu-flow', 's3-server', `versitygw-${S3_SERVER_VERSION}`, 'versitygw');
}

export async function findS3Binary(options: FindS3BinaryOptions): Promise<S3Binary> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const misses: string[] = [];

  const explicit = env[S3_SERVER_PATH_ENV];
  if (explicit) {
    const resolved = path.resolve(explicit);
    const problem = await executableProblem(resolved);
    if (problem)
      throw new Error(
        `${S3_SERVER_PATH_ENV}=${explicit} ${problem}. Point it at an executable versitygw, or unset it.`,
      );
    return { path: resolved, route: S3_SERVER_PATH_ENV };
  }
  misses.push(`${S3_SERVER_PATH_ENV} is not set`);

  const onPath = await findOnPath('versitygw', env);
  if (onPath && (await commandOutput(onPath, ['--version'], env)).ok) return { path: onPath, route: 'PATH' };
  misses.push(onPath ? `${onPath} on PATH does not run` : 'no `versitygw` on PATH');

  const cached = cachedS3BinaryPath(env);
  if (!(await executableProblem(cached))) return { path: cached, route: 'cache' };
  misses.push(`nothing cached at ${cached}`);

  if (options.build) {
    try {
      return { path: await buildWithGo(env, log), route: 'go-build' };
    } catch (err) {
      misses.push(`Go build failed: ${errorMessage(err)}`);
    }
  } else {
    misses.push('building was not allowed');
  }
  throw new Error(
    [
      'No S3 server (versitygw) found. Tried:',
      ...misses.map((m) => `  - ${m}`),
      'Provide it in one of these ways:',
      `  - set ${S3_SERVER_PATH_ENV}=/path/to/versitygw, or put \`versitygw\` on PATH, or`,
      `  - install Go (\`go\` on PATH) and run \`npm run s3 -- --ensure-only\`, which builds it once into ${cached}`,
      `    (same as: GOBIN=${path.dirname(cached)} go install ${S3_SERVER_GO_PACKAGE}@${S3_SERVER_VERSION}).`,
    ].join('\n'),
  );
}

/** Builds into a temporary GOBIN beside the cache, then renames: never a half-written binary. */
async function buildWithGo(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<string> {
  const go =
    (await findOnPath('go', env)) ??
    (await executableProblem('/usr/local/go/bin/go').then((p) => (p ? undefined : '/usr/local/go/bin/go')));
  if (!go) throw new Error('`go` is not on PATH');
  const finalPath = cachedS3BinaryPath(env);
  const dir = path.dirname(finalPath);
  await fs.mkdir(dir, { recursive: true });
  const tmpBin = await fs.mkdtemp(path.join(dir, '.build-'));
  try {
    const started = Date.now();
    log(`[s3] building versitygw from its Go module (first run only; a few minutes):`);
    log(`[s3]   GOBIN=${tmpBin} ${go} install ${S3_SERVER_GO_PACKAGE}@${S3_SERVER_VERSION}`);
    await run(
      go,
      ['install', `${S3_SERVER_GO_PACKAGE}@${S3_SERVER_VERSION}`],
      { ...env, GOBIN: tmpBin, GOFLAGS: '-mod=mod' },
      log,
    );
    const built = path.join(tmpBin, 'versitygw');
    const problem = await executableProblem(built);
    if (problem) throw new Error(`go install finished but ${built} ${problem}`);
    await fs.rename(built, finalPath); // atomic: a concurrent build just replaces it with the same thing
    log(`[s3] built ${finalPath} in ${Math.round((Date.now() - started) / 1000)} s`);
    return finalPath;
  } finally {
    await fs.rm(tmpBin, { recursive: true, force: true });
  }
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tail: string[] = [];
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer): void => {
      tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      tail.splice(0, Math.max(0, tail.length - 30));
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setInterval(
      () => log(`[s3] still building... ${Math.round((Date.now() - started) / 1000)} s`),
      30_000,
    );
    const stop = (): void => void child.kill('SIGTERM');
    process.once('SIGINT', stop);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(timer);
      process.off('SIGINT', stop);
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `go install ${signal ? `was killed by ${signal}` : `exited with code ${code}`}:\n${tail.join('\n')}`,
          ),
        );
    });
  });
}
