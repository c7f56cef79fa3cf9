import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildWorkflowBundleOnce, WORKFLOW_BUNDLE_ENV } from '../worker/workflow-bundle';
import { PROCESS_BUNDLES_ENV, processBundlePath } from './process-bundles';
import { getFreePort } from './temporal-server';

// Starts vidu-flow's own processes the way a user runs them (simulator, callback receiver,
// worker), each as a separate `tsx` process, against an already running Temporal server. Used by
// the demo and the end-to-end tests.

const ROOT = path.resolve(__dirname, '..');
// The script runs in the very process we signal: the `tsx` CLI would run it in a child of its
// own, and a SIGKILL of the wrapper would leave that child — the real worker — running.
const NODE_ARGS = ['--import', 'tsx'];

/**
 * How `script` is run: from the prebuilt bundle named by VIDU_FLOW_PROCESS_BUNDLES when there is one
 * (the test run's global setup builds them: dev/process-bundles.ts), else from source with tsx.
 */
function nodeArgsFor(script: string): string[] {
  const bundles = process.env[PROCESS_BUNDLES_ENV];
  const bundle = bundles ? processBundlePath(bundles, script) : undefined;
  if (bundle && existsSync(bundle)) return ['--enable-source-maps', bundle];
  return [...NODE_ARGS, path.join(ROOT, script)];
}

export interface StackOptions {
  temporalAddress: string;
  taskQueue: string;
  namespace?: string;
  /** Start the callback receiver and give the worker VIDU_CALLBACK_URL. */
  callbacks: boolean;
  archiveDir: string;
  stagingDir: string;
  /** Extra simulator env, e.g. VIDU_SIM_TIME_SCALE. */
  simEnv?: Record<string, string>;
  /** Extra worker env. */
  workerEnv?: Record<string, string>;
  /** Extra callback receiver env, e.g. METRICS_PORT. */
  receiverEnv?: Record<string, string>;
  /**
   * How the receiver and the worker reach Temporal beyond its address: TEMPORAL_TLS_*,
   * TEMPORAL_API_KEY, TEMPORAL_PROFILE… (platform/temporal/connection.ts). Also in `Stack.env`.
   */
  temporalEnv?: Record<string, string>;
  /**
   * VIDU_FLOW_INPUT_ROOTS of the worker: folders it may read local-path inputs from (batch files
   * and the media they name, schedule inputs). Default: none, as in production.
   */
  inputRoots?: string[];
  /** Worker processes to run (default 1; 0: none, see startWorkerProcess); they share the task queue. */
  workers?: number;
  /** Child output goes to `<logDir>/<name>.log`; without it, children are quiet. */
  logDir?: string;
  apiKey?: string;
  /**
   * Start the HTTP API (api/main.ts) too, with this VIDU_FLOW_API_KEYS_FILE; the worker gets the
   * same file to sign completion webhooks.
   */
  apiKeysFile?: string;
  /** Extra HTTP API env, e.g. API_EVENTS_POLL_MS. */
  apiEnv?: Record<string, string>;
  /**
   * Prebuilt workflow bundle for the workers (VIDU_FLOW_WORKFLOW_BUNDLE). Default: the one named
   * in this process's environment (the test run's global setup builds it), else one built once per
   * process, so no worker start or restart runs webpack.
   */
  workflowBundle?: string;
}

export interface Stack {
  simUrl: string;
  callbackUrl: string | undefined;
  /** Base URL of the HTTP API when `apiKeysFile` was given. */
  apiUrl: string | undefined;
  apiKey: string;
  /** Environment a client (or a restarted worker) needs to reach this stack. */
  env: Record<string, string>;
  /** Starts the worker process(es) again after `stopWorker`. */
  startWorker(): Promise<void>;
  /** Sends `signal` to every worker and waits for them to exit. */
  stopWorker(signal?: NodeJS.Signals): Promise<void>;
  /** Process ids of the running worker processes (the bench reads their CPU and memory). */
  workerPids(): number[];
  /** The HTTP API's process id (to send it SIGHUP after editing the keys file), when it runs. */
  apiPid(): number | undefined;
  /** The last lines each process of the stack printed (ManagedProcess.tail), stopped ones included. */
  outputTails(): Array<{ name: string; tail: string }>;
  stop(): Promise<void>;
}

export class ManagedProcess {
  readonly child: ChildProcess;
  private output = '';
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    script: string,
    env: Record<string, string>,
    logDir: string | undefined,
  ) {
    this.child = spawn(process.execPath, nodeArgsFor(script), {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = logDir ? createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' }) : undefined;
    const collect = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
      log?.write(chunk);
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  tail(): string {
    return this.output.split('\n').slice(-25).join('\n');
  }

  /** Resolves once `ready()` is true; fails early if the process exits first. */
  async waitUntil(ready: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (Date.now() < deadline) {
      if (exited) throw new Error(`${this.name} exited during start-up:\n${this.tail()}`);
      if (await ready()) return;
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`${this.name} was not ready after ${timeoutMs} ms:\n${this.tail()}`);
  }

  printed(text: string): boolean {
    return this.output.includes(text);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** What worker/main.ts prints once its Worker runs (the stack waits for it). */
const WORKER_READY_LINE = 'vidu-flow worker: task queue';

/**
 * One worker process with exactly `env` (e.g. `Stack.env` plus folders of its own), resolving once
 * it runs; the caller stops it. For runs that start, kill and restart workers one by one
 * (test/production/): `startStack({ workers: 0 })` then runs no worker of its own.
 */
export async function startWorkerProcess(
  name: string,
  env: Record<string, string>,
  logDir?: string,
): Promise<ManagedProcess> {
  const worker = new ManagedProcess(name, 'worker/main.ts', env, logDir);
  try {
    await worker.waitUntil(() => worker.printed(WORKER_READY_LINE), 120_000);
  } catch (err) {
    await worker.stop('SIGKILL');
    throw err;
  }
  return worker;
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * The bundle `startStack` gives its workers when none is named: built once per process. Callers
 * may start it early (the demo does, while the dev server starts).
 */
export function defaultWorkflowBundle(): Promise<string> {
  const file = path.join(os.tmpdir(), `vidu-flow-workflow-bundle-${process.pid}.js`);
  if (!bundleCleanup) {
    // The bundle lives as long as this process (its workers are stopped with it).
    bundleCleanup = () => {
      for (const f of [file, `${file}.json`]) rmSync(f, { force: true });
    };
    process.once('exit', bundleCleanup);
  }
  return buildWorkflowBundleOnce(file);
}
let bundleCleanup: (() => void) | undefined;

export async function startStack(opts: StackOptions): Promise<Stack> {
  if (opts.logDir) mkdirSync(opts.logDir, { recursive: true });
  const apiKey = opts.apiKey ?? 'sim-key';
  const started: ManagedProcess[] = [];
  /** Readiness of the processes that start alongside the workers. */
  const waits: Promise<void>[] = [];
  const stopAll = async () => {
    await Promise.all(started.map((p) => p.stop()));
  };

  try {
    const simPort = await getFreePort();
    const simUrl = `http://127.0.0.1:${simPort}`;
    const sim = new ManagedProcess(
      'sim',
      'sim/main.ts',
      { VIDU_SIM_PORT: String(simPort), VIDU_SIM_API_KEY: apiKey, ...opts.simEnv },
      opts.logDir,
    );
    started.push(sim);

    let callbackUrl: string | undefined;
    if (opts.callbacks) {
      const callbackPort = await getFreePort();
      callbackUrl = `http://127.0.0.1:${callbackPort}/vidu/callback`;
      const receiver = new ManagedProcess(
        'callbacks',
        'receiver/main.ts',
        {
          VIDU_API_KEY: apiKey,
          CALLBACK_PORT: String(callbackPort),
          CALLBACK_HOST: '127.0.0.1',
          TEMPORAL_ADDRESS: opts.temporalAddress,
          ...(opts.namespace ? { TEMPORAL_NAMESPACE: opts.namespace } : {}),
          ...opts.temporalEnv,
          ...opts.receiverEnv,
        },
        opts.logDir,
      );
      started.push(receiver);
      waits.push(receiver.waitUntil(() => answers(`http://127.0.0.1:${callbackPort}/healthz`), 60_000));
    }

    let apiUrl: string | undefined;
    let apiProcess: ManagedProcess | undefined;
    if (opts.apiKeysFile) {
      const apiPort = await getFreePort();
      apiUrl = `http://127.0.0.1:${apiPort}`;
      const api = new ManagedProcess(
        'api',
        'api/main.ts',
        {
          TEMPORAL_ADDRESS: opts.temporalAddress,
          ...(opts.namespace ? { TEMPORAL_NAMESPACE: opts.namespace } : {}),
          ...opts.temporalEnv,
          VIDU_TASK_QUEUE: opts.taskQueue,
          STAGING_DIR: opts.stagingDir,
          // The studio plays archived results through the API: the workers' archive.
          ARCHIVE_DIR: opts.archiveDir,
          VIDU_FLOW_API_KEYS_FILE: opts.apiKeysFile,
          VIDU_FLOW_ALLOW_PRIVATE_URLS: '127.0.0.1',
          API_PORT: String(apiPort),
          API_HOST: '127.0.0.1',
          ...opts.apiEnv,
        },
        opts.logDir,
      );
      started.push(api);
      apiProcess = api;
      waits.push(api.waitUntil(() => answers(`${apiUrl}/healthz`), 60_000));
    }

    // The receiver and the API come up while the simulator does and the workers start: only the
    // workers need another process first (the simulator, whose concurrency they ask for when
    // VIDU_MAX_IN_FLIGHT is unset). One after the other, a stack took ~7 s to start in the e2e
    // lane on 2 cores (28 starts, 198 s of the lane's 676 s of file time, 2026-12-07).
    const othersUp = Promise.all(waits);
    othersUp.catch(() => undefined); // awaited below; a failure here must not go unhandled meanwhile
    await sim.waitUntil(() => answers(`${simUrl}/_sim/stats`), 60_000);
    const workflowBundle = opts.workflowBundle ?? process.env[WORKFLOW_BUNDLE_ENV] ?? (await defaultWorkflowBundle());
    const env: Record<string, string> = {
      TEMPORAL_ADDRESS: opts.temporalAddress,
      [WORKFLOW_BUNDLE_ENV]: workflowBundle,
      VIDU_TASK_QUEUE: opts.taskQueue,
      // Worker Versioning: a deployment of its own per stack (stacks sharing one dev server run
      // different bundles), one version, made current at start (worker/versioning-config.ts): the
      // demo's persistent server then takes a rebuilt bundle too. test/e2e/rolling-upgrade.test.ts
      // starts its later versions with VIDU_FLOW_PROMOTE=never and promotes them itself.
      VIDU_FLOW_DEPLOYMENT_NAME: opts.taskQueue.replace(/[.:]/g, '-'),
      VIDU_FLOW_PROMOTE: 'always',
      VIDU_BASE_URL: simUrl,
      VIDU_API_KEY: apiKey,
      ARCHIVE_DIR: opts.archiveDir,
      STAGING_DIR: opts.stagingDir,
      // The simulator (and any test media server) listens on 127.0.0.1: allowed by address, in the
      // list form an operator would use for an internal CDN; every other private address stays refused.
      VIDU_FLOW_ALLOW_PRIVATE_URLS: '127.0.0.1',
      ...(opts.inputRoots?.length ? { VIDU_FLOW_INPUT_ROOTS: opts.inputRoots.join(path.delimiter) } : {}),
      ...(opts.namespace ? { TEMPORAL_NAMESPACE: opts.namespace } : {}),
      ...opts.temporalEnv,
      ...(callbackUrl ? { VIDU_CALLBACK_URL: callbackUrl } : {}),
      ...(opts.apiKeysFile ? { VIDU_FLOW_API_KEYS_FILE: opts.apiKeysFile } : {}),
      ...opts.workerEnv,
    };

    let workers: ManagedProcess[] = [];
    const startWorker = async () => {
      workers = Array.from(
        { length: opts.workers ?? 1 },
        (_, i) => new ManagedProcess(i === 0 ? 'worker' : `worker-${i + 1}`, 'worker/main.ts', env, opts.logDir),
      );
      started.push(...workers);
      await Promise.all(workers.map((w) => w.waitUntil(() => w.printed(WORKER_READY_LINE), 120_000)));
    };
    await startWorker();
    await othersUp;

    return {
      simUrl,
      callbackUrl,
      apiUrl,
      apiKey,
      env,
      startWorker,
      stopWorker: async (signal = 'SIGTERM') => {
        await Promise.all(workers.map((w) => w.stop(signal)));
      },
      workerPids: () => workers.map((w) => w.child.pid).filter((pid): pid is number => pid !== undefined),
      apiPid: () => apiProcess?.child.pid,
      outputTails: () => started.map((p) => ({ name: p.name, tail: p.tail() })),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
