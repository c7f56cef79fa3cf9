// Fast workflow tests: the REAL workflow code under the Java time-skipping test server
// (TestWorkflowEnvironment.createTimeSkipping, the pattern of the Temporal samples), with stub
// activities (test/helpers/stub-activities.ts) and no simulator. A timer or retry backoff of
// hours passes in milliseconds while a test awaits a workflow's result or calls env.sleep().
//
// The server is the Maven build dev/temporal-test-server.ts caches (the SDK's own download needs
// temporal.download, which CI cannot reach). Its gaps, from its service (TestWorkflowService.java)
// and tried here: no visibility list/count and no Schedules; search attributes are accepted when
// registered first, which `startTimeSkipping` does through the operator service for every Vidu*
// attribute (core/search-attributes.ts) so the workflows' upserts behave as on a real cluster.
//
// Time is global to one environment, so each test file starts its own and runs its tests one at a
// time (vitest runs a file's tests in sequence unless told otherwise).

import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkerOptions } from '@temporalio/worker';
import { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { VIDU_SEARCH_ATTRIBUTES } from '../../core/search-attributes';
import { findTestServer } from '../../dev/temporal-test-server';
import { WORKFLOWS_ENTRY } from '../../worker/workflow-bundle';
import { installQuietRuntime, uniqueTaskQueue } from './temporal';

export { uniqueTaskQueue };

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
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: server.path } } });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(VIDU_SEARCH_ATTRIBUTES.map((key) => [key.name, PROTO_TYPE[key.type]])),
  });
  log(`[time-skipping] test server (${server.route}) up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return env;
}

let bundle: Promise<{ code: string }> | undefined;

/**
 * The workflow bundle of workflows/index.ts with test/helpers/test-server-workflow-info.ts (the
 * Java test server's "unset" timeouts read as unset), built once per test file: webpack takes
 * seconds, and the run's shared bundle (test/global-setup.ts) lacks that interceptor.
 */
export function workflowBundle(): Promise<{ code: string }> {
  bundle ??= (async () => {
    const started = Date.now();
    const built = await bundleWorkflowCode({
      workflowsPath: WORKFLOWS_ENTRY,
      workflowInterceptorModules: [path.join(__dirname, 'test-server-workflow-info.ts')],
      logger: quietBundleLogger,
    });
    log(`[time-skipping] workflow bundle built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return built;
  })();
  return bundle;
}

const quietBundleLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => log(`[bundle] ${message}`),
  error: (message: string) => log(`[bundle] ${message}`),
};

/**
 * Runs `body` with a worker of the real workflows and the given activities on a fresh task queue
 * of `env`, then shuts the worker down (the samples' `worker.runUntil`).
 */
export async function withWorker<T>(
  env: TestWorkflowEnvironment,
  activities: WorkerOptions['activities'],
  body: (taskQueue: string) => Promise<T>,
): Promise<T> {
  const taskQueue = uniqueTaskQueue('fast');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  return worker.runUntil(body(taskQueue));
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
export async function workflowTime(handle: { describe(): Promise<{ startTime: Date; closeTime?: Date }> }): Promise<string> {
  const { startTime, closeTime } = await handle.describe();
  if (!closeTime) return 'still running';
  const seconds = (closeTime.getTime() - startTime.getTime()) / 1000;
  return `${seconds < 3600 ? `${seconds.toFixed(0)} s` : `${(seconds / 3600).toFixed(1)} h`} of workflow time`;
}
