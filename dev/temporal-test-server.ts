// Finds (or builds) the Java time-skipping test server that the fast workflow tests run on
// (TestWorkflowEnvironment.createTimeSkipping, test/helpers/time-skipping.ts).
//
// The SDK would download a native build of it from temporal.download, which CI cannot reach. The
// same server is published to Maven Central as plain jars (io.temporal:temporal-test-server, main
// class io.temporal.testserver.TestServer, usage `<port>`): /work/shared/research/temporal-sdk-notes.md §4.
// So it is built from there, once, into ${XDG_CACHE_HOME:-~/.cache}/vidu-flow/temporal-test-server/<version>/:
//   lib/                    the jars (`mvn dependency:copy-dependencies` on a generated pom)
//   app.jsa                 a CDS archive of the classes loaded while the server starts
//   temporal-test-server    a `#!/bin/sh` wrapper `exec java … io.temporal.testserver.TestServer "$@"`
//   ready                   written last (the recipe it was built by): the folder is complete
//
// Why the JVM flags: sdk-core gives the server 5 s to accept a gRPC connection (50 tries, 100 ms
// apart; ephemeral_server/mod.rs in @temporalio/core-bridge). On this project's 2-core machine
// under load (load average 21) a plain `java -cp` start took 3.9–4.7 s to listen; with
// -XX:TieredStopAtLevel=1 -XX:+UseSerialGC 2.8–4.0 s; with the CDS archive as well 0.76–0.92 s.
// -Xshare:auto means a stale or foreign archive (another JVM build) is ignored, never fatal.
//
// Routes, in order:
//   1. TEMPORAL_TEST_SERVER_PATH  an explicit executable (e.g. the native build); used as is.
//   2. cache                      the folder above, when its `ready` marker exists.
//   3. maven                      only with `build: true`: needs `java` (8+) and `mvn` on PATH and
//                                 Maven Central (or the mirror in ~/.m2/settings.xml) reachable.

import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { commandOutput, errorMessage, executableProblem, findOnPath, isAlive, isErrnoException } from './executables';

/**
 * The Java SDK release whose test server is used. 1.39.0 resolves on Maven Central and runs the
 * features these tests need (updates, signals, queries, timers, child workflows, continue-as-new).
 */
export const TEST_SERVER_VERSION = '1.39.0';
export const TEST_SERVER_MAIN_CLASS = 'io.temporal.testserver.TestServer';
/**
 * slf4j-nop, at the slf4j-api version the server depends on: without a binding, slf4j prints a
 * three-line warning at every start (the server logs nothing we read).
 */
const SLF4J_NOP_VERSION = '1.7.36';
/** Written into `ready`: a cache built by an older recipe (other jars, other flags) is rebuilt. */
export const BUILD_RECIPE = `temporal-test-server ${TEST_SERVER_VERSION} + slf4j-nop ${SLF4J_NOP_VERSION}, CDS archive, recipe 2`;
const WRAPPER_NAME = 'temporal-test-server';
/** The JVM flags that make the server accept connections within core's 5 s (see above). */
const FAST_START_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto'];

export type TestServerRoute = 'TEMPORAL_TEST_SERVER_PATH' | 'cache' | 'maven';

export interface TestServerExecutable {
  /** Absolute path of an executable that runs the test server: `<path> <port>`. */
  path: string;
  route: TestServerRoute;
}

export type Log = (line: string) => void;

export interface FindTestServerOptions {
  /** Allow the Maven build when nothing usable exists yet. */
  build: boolean;
  log?: Log;
  env?: NodeJS.ProcessEnv;
}

const defaultLog: Log = (line) => process.stderr.write(`${line}\n`);

/** `${XDG_CACHE_HOME:-~/.cache}/vidu-flow/temporal-test-server/<version>` */
export function testServerCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache');
  return path.join(base, 'vidu-flow', 'temporal-test-server', TEST_SERVER_VERSION);
}

/** Finds the test server, trying each route in order; throws with instructions if none works. */
export async function findTestServer(options: FindTestServerOptions): Promise<TestServerExecutable> {
  const log = options.log ?? defaultLog;
  const env = options.env ?? process.env;

  const explicit = env.TEMPORAL_TEST_SERVER_PATH;
  if (explicit) {
    const problem = await executableProblem(explicit);
    if (problem) throw new Error(`TEMPORAL_TEST_SERVER_PATH=${explicit} ${problem}`);
    return { path: path.resolve(explicit), route: 'TEMPORAL_TEST_SERVER_PATH' };
  }

  const dir = testServerCacheDir(env);
  const cached = await cachedWrapper(dir);
  if (cached) return { path: cached, route: 'cache' };
  if (!options.build) {
    throw new Error(
      `no Temporal test server in ${dir}: run \`npx tsx dev/temporal-test-server-main.ts --ensure-only\` ` +
        '(needs java and mvn), or set TEMPORAL_TEST_SERVER_PATH to an existing one',
    );
  }

  const release = await acquireBuildLock(`${dir}.lock`, log);
  try {
    // Another process may have built it while we waited for the lock.
    const built = await cachedWrapper(dir);
    if (built) return { path: built, route: 'cache' };
    return { path: await buildWithMaven(dir, env, log), route: 'maven' };
  } finally {
    await release();
  }
}

async function cachedWrapper(dir: string): Promise<string | undefined> {
  const wrapper = path.join(dir, WRAPPER_NAME);
  const recipe = await fs.readFile(path.join(dir, 'ready'), 'utf8').catch(() => '');
  return recipe.trim() === BUILD_RECIPE && !(await executableProblem(wrapper)) ? wrapper : undefined;
}

/** The pom whose only job is to name the test server, so Maven resolves its runtime jars. */
export function testServerPom(version: string = TEST_SERVER_VERSION): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by vidu-flow dev/temporal-test-server.ts: resolves the Java time-skipping test server's jars. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>vidu-flow.dev</groupId>
  <artifactId>temporal-test-server-classpath</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>${version}</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-nop</artifactId>
      <version>${SLF4J_NOP_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;
}

/** The `#!/bin/sh` wrapper: an explicit, sorted classpath, so the CDS archive's classpath check matches. */
export function testServerWrapper(java: string, jars: readonly string[], archive: string): string {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return [
    '#!/bin/sh',
    '# Generated by vidu-flow dev/temporal-test-server.ts: the Java time-skipping test server.',
    "# Usage: temporal-test-server <port>. The flags make the JVM listen within sdk-core's 5 s window.",
    `exec ${quote(java)} ${FAST_START_FLAGS.join(' ')} -XX:SharedArchiveFile=${quote(archive)} -Xlog:cds=off -Xlog:cds+dynamic=off \\`,
    `  -cp ${quote([...jars].sort().join(':'))} ${TEST_SERVER_MAIN_CLASS} "$@"`,
    '',
  ].join('\n');
}

async function buildWithMaven(dir: string, env: NodeJS.ProcessEnv, log: Log): Promise<string> {
  const java = env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', 'java') : await findOnPath('java', env);
  const mvn = await findOnPath('mvn', env);
  if (!java || (await executableProblem(java)) || !mvn) {
    throw new Error(
      `the Temporal test server is built from Maven Central and needs ${!java ? '`java` (8 or later)' : ''}${!java && !mvn ? ' and ' : ''}${!mvn ? '`mvn`' : ''} ` +
        'on PATH (Debian: apt-get install openjdk-17-jre-headless maven); or set TEMPORAL_TEST_SERVER_PATH to an existing test server',
    );
  }
  const javaVersion = await commandOutput(java, ['-version'], env);
  log(
    `[test server] building io.temporal:temporal-test-server:${TEST_SERVER_VERSION} from Maven into ${dir} (${javaVersion.output.split('\n')[0]})`,
  );

  // A half-built folder from an interrupted run is started over.
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  const pom = path.join(dir, 'pom.xml');
  await fs.writeFile(pom, testServerPom());
  const lib = path.join(dir, 'lib');
  const resolve = await run(
    mvn,
    ['-B', '-q', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${lib}`, '-DincludeScope=runtime'],
    env,
    15 * 60_000,
  );
  if (resolve.code !== 0) {
    throw new Error(
      `mvn could not resolve io.temporal:temporal-test-server:${TEST_SERVER_VERSION} (exit ${resolve.code}):\n${resolve.output.slice(-4000)}`,
    );
  }
  const jars = (await fs.readdir(lib)).filter((f) => f.endsWith('.jar')).map((f) => path.join(lib, f));
  if (!jars.some((j) => path.basename(j).startsWith('temporal-test-server-'))) {
    throw new Error(`mvn finished but ${lib} has no temporal-test-server jar`);
  }

  const archive = path.join(dir, 'app.jsa');
  const wrapper = path.join(dir, WRAPPER_NAME);
  await fs.writeFile(wrapper, testServerWrapper(java, jars, archive), { mode: 0o755 });
  const trained = await trainClassArchive(java, jars, archive, env);
  log(
    `[test server] ${jars.length} jars; class archive ${trained ? 'written' : 'NOT written (the server still runs, starting slower)'}`,
  );
  await fs.writeFile(path.join(dir, 'ready'), `${BUILD_RECIPE}\n`);
  return wrapper;
}

/**
 * Starts the server once with -XX:ArchiveClassesAtExit, waits until it listens, and stops it: the
 * JVM writes the classes it loaded on the way into a dynamic CDS archive at exit, which the
 * wrapper maps at every later start instead of loading and verifying those classes again.
 */
async function trainClassArchive(
  java: string,
  jars: readonly string[],
  archive: string,
  env: NodeJS.ProcessEnv,
): Promise<boolean> {
  const port = await freePort();
  const child = spawn(
    java,
    [
      ...FAST_START_FLAGS,
      `-XX:ArchiveClassesAtExit=${archive}`,
      '-Xlog:cds=off',
      '-Xlog:cds+dynamic=off',
      '-cp',
      [...jars].sort().join(':'),
      TEST_SERVER_MAIN_CLASS,
      String(port),
    ],
    { env, stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForListen(port, 120_000);
    // A moment more for the classes loaded just after the port opens.
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  return fs.stat(archive).then(
    (s) => s.size > 0,
    () => false,
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForListen(port: number, limitMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() - started > limitMs)
      throw new Error(`the test server did not listen on port ${port} within ${limitMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function run(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-64_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (err) => resolve({ code: -1, output: errorMessage(err) }));
    child.once('exit', (code) => resolve({ code: code ?? -1, output }));
  });
}

/** A lock file holding the builder's pid: two test files starting at once build only once. */
async function acquireBuildLock(lockPath: string, log: Log): Promise<() => Promise<void>> {
  await fs.mkdir(path.dirname(lockPath), { recursive: true });
  const started = Date.now();
  let announced = false;
  for (;;) {
    try {
      await fs.writeFile(lockPath, String(process.pid), { flag: 'wx' });
      return () => fs.rm(lockPath, { force: true });
    } catch (err) {
      if (!isErrnoException(err) || err.code !== 'EEXIST') throw err;
    }
    const holder = Number.parseInt(await fs.readFile(lockPath, 'utf8').catch(() => ''), 10);
    // An empty lock may be one a live process has created but not written yet: stale only when old.
    const age = await fs.stat(lockPath).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (Number.isInteger(holder) && holder > 0 ? !isAlive(holder) : age > 10_000) {
      await fs.rm(lockPath, { force: true });
      continue;
    }
    if (!announced) {
      log(`[test server] another process (pid ${holder}) is building the test server; waiting for it...`);
      announced = true;
    }
    if (Date.now() - started > 20 * 60_000)
      throw new Error(`gave up waiting for pid ${holder} to build the test server (lock ${lockPath})`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}
