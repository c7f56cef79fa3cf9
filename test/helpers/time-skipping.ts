// Fast workflow tests: the REAL workflow code under the Java time-skipping test server
// (TestWorkflowEnvironment.createTimeSkipping, the pattern of the Temporal samples), with stub
// activities (test/helpers/stub-activities.ts) and no simulator. A timer or retry backoff of
// hours passes in milliseconds while a test awaits a workflow's result or calls env.sleep().
//
// The server is the Maven build dev/temporal-test-server.ts caches (the SDK's own download needs
// temporal.download, which CI cannot reach). Its gaps, from its service (TestWorkflowService.java)
// and tried here: no visibility list/count and no Schedules (those stay in the dev-server tests);
// an upsert of a search attribute it does not know fails the workflow task ("search attribute
// ViduKind is not defined", retried forever), so `startTimeSkipping` registers every Vidu* one
// (core/search-attributes.ts) through the operator service first; and it records an unset
// execution or run timeout as 10 years, which test-server-workflow-info.ts undoes.
//
// Time is global to one environment, so each test file starts its own (startFastWorker) and runs
// its tests one at a time (vitest runs a file's tests in sequence unless told otherwise).

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Context } from '@temporalio/activity';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { VIDU_SEARCH_ATTRIBUTES } from '../../core/search-attributes';
import { findTestServer } from '../../dev/temporal-test-server';
import { WORKFLOWS_ENTRY } from '../../worker/workflow-bundle';
import { installQuietRuntime, uniqueTaskQueue } from './temporal';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** The proto enum value of each SDK search-attribute type (operator service addSearchAttributes). */
const PROTO_TYPE: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.TEXT]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.KEYWORD]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** A time-skipping environment on the cached Java test server, with the Vidu* search attributes registered. */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  const server = await findTestServer({ build: true, log });
  const started = Date.now();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: server.path } },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(VIDU_SEARCH_ATTRIBUTES.map((key) => [key.name, PROTO_TYPE[key.type]])),
  });
  log(`[time-skipping] test server (${server.route}) up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return env;
}

let bundle: Promise<{ code: string }> | undefined;

const REPO = path.resolve(__dirname, '../..');
const INTERCEPTOR = path.join(__dirname, 'test-server-workflow-info.ts');

/**
 * The workflow bundle of workflows/index.ts with test/helpers/test-server-workflow-info.ts (the
 * Java test server's "unset" timeouts read as unset); the run's shared bundle (test/global-setup.ts)
 * lacks that interceptor. Webpack takes 4–8 s of CPU, so the bundle is kept in the temp folder under
 * a hash of every source it could include (all of the repo's .ts and .js outside test/, the
 * interceptor, package-lock.json): the next test file, and the next run after a change to a test
 * only, start in a second; any change to the code rebuilds it.
 */
export function workflowBundle(): Promise<{ code: string }> {
  bundle ??= (async () => {
    const key = sourcesHash();
    const cached = path.join(os.tmpdir(), 'vidu-flow-fast-bundles', `${key}.js`);
    const code = await fs.readFile(cached, 'utf8').catch(() => undefined);
    if (code !== undefined) return { code };
    const started = Date.now();
    const built = await bundleWorkflowCode({
      workflowsPath: WORKFLOWS_ENTRY,
      workflowInterceptorModules: [INTERCEPTOR],
      logger: quietBundleLogger,
    });
    log(`[time-skipping] workflow bundle built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // Written under a temporary name and renamed: another test file may read it at any moment.
    await fs.mkdir(path.dirname(cached), { recursive: true });
    const partial = `${cached}.${process.pid}.tmp`;
    await fs.writeFile(partial, built.code);
    await fs.rename(partial, cached);
    await pruneBundles(path.dirname(cached));
    return built;
  })();
  return bundle;
}

/** Bundles of older code left from earlier runs: each is about 2 MB; a day's worth is kept. */
async function pruneBundles(dir: string): Promise<void> {
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const name of await fs.readdir(dir).catch(() => [])) {
    const file = path.join(dir, name);
    const stat = await fs.stat(file).catch(() => undefined);
    if (stat && stat.mtimeMs < dayAgo) await fs.rm(file, { force: true });
  }
}

/** Folders no workflow code comes from (test/ has only the interceptor, hashed on its own). */
const NOT_SOURCES = new Set(['node_modules', '.git', 'test', 'data', 'schemas', 'docs']);

/** sha256 over the path and content of every file the workflow bundle could be built from. */
function sourcesHash(): string {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!NOT_SOURCES.has(entry.name)) walk(full);
      } else if (/\.(ts|js)$/.test(entry.name)) {
        files.push(full);
      }
    }
  };
  walk(REPO);
  const hash = createHash('sha256');
  for (const file of [...files.sort(), INTERCEPTOR, path.join(REPO, 'package-lock.json')]) {
    hash.update(`${path.relative(REPO, file)}\0`);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 32);
}

const quietBundleLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => log(`[bundle] ${message}`),
  error: (message: string) => log(`[bundle] ${message}`),
};

type ActivityFunction = (...args: never[]) => Promise<unknown>;

/** The time-skipping environment of one test file and its one worker (the real workflows). */
export interface FastWorker {
  readonly env: TestWorkflowEnvironment;
  readonly taskQueue: string;
  /**
   * Runs the activities of workflow `workflowId`, and of its children (`<workflowId>~…`), with
   * `activities`: each test starts its workflows with stubs of its own, and a late retry of an
   * earlier test's workflow still reaches that test's stubs, never this one's.
   */
  route(workflowId: string, activities: object): void;
  /** Shuts the worker down and tears the environment down (afterAll). */
  close(): Promise<void>;
}

/**
 * Starts the environment and one worker for a whole test file: a worker costs about a second to
 * create and shut down, which per test would be most of the test. `activityNames` are the
 * activities it registers (each routed by workflow id, see FastWorker.route).
 */
export async function startFastWorker(activityNames: readonly string[]): Promise<FastWorker> {
  const env = await startTimeSkipping();
  const taskQueue = uniqueTaskQueue('fast');
  const routes = new Map<string, Partial<Record<string, ActivityFunction>>>();
  const routed = (name: string) =>
    async function (...args: never[]): Promise<unknown> {
      const { workflowId } = Context.current().info.workflowExecution ?? { workflowId: '' };
      const root = workflowId.split('~')[0] ?? workflowId;
      const fn = routes.get(root)?.[name];
      if (!fn) throw new Error(`no stub ${name} for workflow ${workflowId} (route its root ${root} first)`);
      return fn(...args);
    };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: Object.fromEntries(activityNames.map((name) => [name, routed(name)])),
  }).catch(async (err: unknown) => {
    await env.teardown();
    throw err;
  });
  const running = worker.run();
  return {
    env,
    taskQueue,
    route(workflowId, activities) {
      routes.set(workflowId, activities as Partial<Record<string, ActivityFunction>>);
    },
    async close() {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}

/** Seconds since `started`, for the per-file timing line (printed, never asserted). */
export function secondsSince(started: number): string {
  return ((Date.now() - started) / 1000).toFixed(1);
}

/**
 * How much workflow time a closed workflow took (start to close, as the server recorded it), for
 * the printed figures: with time skipping it is hours where the wall clock shows a second.
 * (The environment's own clock is no measure: once a workflow closes, the Java test server skips
 * on to its next timer, such as the 10-year run timeout it keeps for an unset one.)
 */
export async function workflowTime(handle: {
  describe(): Promise<{ startTime: Date; closeTime?: Date }>;
}): Promise<string> {
  const { startTime, closeTime } = await handle.describe();
  if (!closeTime) return 'still running';
  const seconds = (closeTime.getTime() - startTime.getTime()) / 1000;
  return `${seconds < 3600 ? `${seconds.toFixed(0)} s` : `${(seconds / 3600).toFixed(1)} h`} of workflow time`;
}
