// Shared pieces of the end-to-end tests: a stack per test file, waiting, reading failures.
import path from 'node:path';
import { ViduFlowClient } from '../../client';
import { startStack, type Stack } from '../../dev/stack';
import { SimAdmin } from '../../sim/admin-client';
import { temporalServer, uniqueTaskQueue } from './temporal';

export interface E2eEnv {
  stack: Stack;
  client: ViduFlowClient;
  sim: SimAdmin;
}

/** Simulator, callback receiver and worker(s) as processes, on a task queue of their own. */
export async function startE2eEnv(
  name: string,
  dir: string,
  opts: {
    simEnv?: Record<string, string>;
    workerEnv?: Record<string, string>;
    receiverEnv?: Record<string, string>;
    workers?: number;
    /** Also run the HTTP API with this keys file (written with mode 0600: the API refuses others-readable ones). */
    apiKeysFile?: string;
  } = {},
): Promise<E2eEnv> {
  const { address, namespace } = temporalServer();
  const taskQueue = uniqueTaskQueue(name);
  const stack = await startStack({
    temporalAddress: address,
    namespace,
    taskQueue,
    callbacks: true,
    archiveDir: path.join(dir, name, 'archive'),
    stagingDir: path.join(dir, name, 'staging'),
    // Batch files, their media and schedule inputs are read by the worker: the test's folder only.
    inputRoots: [dir],
    simEnv: { VIDU_SIM_CALLBACK_RETRY_MS: '200', ...opts.simEnv },
    ...(opts.workerEnv ? { workerEnv: opts.workerEnv } : {}),
    ...(opts.receiverEnv ? { receiverEnv: opts.receiverEnv } : {}),
    ...(opts.workers ? { workers: opts.workers } : {}),
    ...(opts.apiKeysFile ? { apiKeysFile: opts.apiKeysFile } : {}),
    logDir: path.join(dir, name, 'logs'),
  });
  // The client stages local files where this stack's worker reads them.
  const client = await ViduFlowClient.connect({
    address,
    namespace,
    taskQueue,
    stagingDir: path.join(dir, name, 'staging'),
  });
  return { stack, client, sim: new SimAdmin(stack.simUrl) };
}

// The failure a workflow closed with: shared with the workflow tests (test/helpers/temporal.ts).
export { failureOf } from './temporal';

/** Polls `probe` until `ok` accepts its value; probe errors count as "not yet". */
export async function until<T>(
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined && ok(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
