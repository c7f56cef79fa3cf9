// What every bench scenario shares: processes (the baseline worker), simulator figures, histories.
import { Client, Connection } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { bundleWorkflowCode } from '@temporalio/worker';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SimAdmin } from '../../sim/admin-client';
import { historyCost, type HistoryCost, workflowTaskFailures } from './stats';

const ROOT = path.resolve(__dirname, '../..');

export interface Baseline {
  taskQueue: string;
  pid: number;
  stop(): Promise<void>;
}

let baselineBundle: Promise<string> | undefined;
/** The baseline's workflows, bundled once per bench run (BASELINE_WORKFLOW_BUNDLE). */
export function buildBaselineBundle(dir: string): Promise<string> {
  baselineBundle ??= (async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../baseline/workflows'),
      logger: silent,
    });
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, 'baseline-workflow-bundle.js');
    await writeFile(file, code);
    return file;
  })();
  return baselineBundle;
}

const silent = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (m: string) => console.error(m),
};

/** Starts bench/baseline/worker.ts as its own process and waits until it polls. */
export async function startBaselineWorker(env: Record<string, string>, taskQueue: string): Promise<Baseline> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'bench/baseline/worker.ts')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env,
        BASELINE_TASK_QUEUE: taskQueue,
        BASELINE_WORKFLOW_BUNDLE: await buildBaselineBundle(path.dirname(env.ARCHIVE_DIR ?? '/tmp')),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-10_000);
      if (output.includes('baseline worker: task queue')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(() => reject(new Error(`baseline worker exited during start-up:\n${output}`)));
    setTimeout(() => reject(new Error(`baseline worker not ready after 180 s:\n${output}`)), 180_000).unref();
  });
  return {
    taskQueue,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function connectClient(address: string, namespace = 'default'): Promise<Client> {
  return new Client({ connection: await Connection.connect({ address }), namespace });
}

/** Runs `fn` over `items` with at most `limit` at once. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

export interface RunCost {
  cost: HistoryCost;
  /** Close time of the run (its last event), epoch ms. */
  closedAtMs: number;
  /** Failed or timed-out workflow tasks by cause. */
  taskFailures: Record<string, number>;
}

/** The cost of one workflow run's history and when it closed. */
export async function runCost(client: Client, workflowId: string, runId?: string): Promise<RunCost> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const events = history.events ?? [];
  const last = events[events.length - 1];
  return {
    cost: historyCost(events),
    closedAtMs: last?.eventTime ? tsToMs(last.eventTime) : NaN,
    taskFailures: workflowTaskFailures(events),
  };
}

/** Every run on a task queue other than `exclude` (the slot manager, its continued runs…), with its cost. */
export async function otherRuns(
  client: Client,
  taskQueue: string,
  exclude: ReadonlySet<string>,
): Promise<Map<string, HistoryCost>> {
  const runs: Array<{ workflowId: string; runId: string }> = [];
  for await (const w of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    if (!exclude.has(w.workflowId)) runs.push({ workflowId: w.workflowId, runId: w.runId });
  }
  const costs = await mapLimit(runs, 8, (r) => runCost(client, r.workflowId, r.runId));
  return new Map(runs.map((r, i) => [r.runId, costs[i]!.cost]));
}

/** A failure and its causes in one line (WorkflowFailedError ← ActivityFailure ← ApplicationFailure…), ids removed so equal failures group. */
export function describeFailure(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    if (e instanceof Error) {
      const type = (e as { type?: string }).type;
      parts.push(`${e.name}${type ? `[${type}]` : ''}: ${e.message}`);
      e = e.cause;
    } else {
      parts.push(String(e));
      break;
    }
  }
  return parts
    .join(' ← ')
    .replace(/\b\d{6,}\b/g, '<n>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .slice(0, 600);
}

/** Requests the simulator has received so far, by endpoint (the bench takes differences). */
export async function simRequests(sim: SimAdmin): Promise<Record<string, number>> {
  return (await sim.stats()).requestsByEndpoint;
}

export function diffCounts(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d > 0) out[k] = d;
  }
  return out;
}

/**
 * Real (epoch ms) time of each task's `success`, from the simulator's task records. The sim
 * stamps transitions in simulated time; with a constant time scale, real = now − (simNow − t) / scale.
 */
export async function successTimes(sim: SimAdmin, taskIds: readonly string[]): Promise<Map<string, number>> {
  const clock = (await (await fetch(`${sim.url}/_sim/clock`)).json()) as { nowMs: number; scale: number };
  const realNow = Date.now();
  const out = new Map<string, number>();
  await mapLimit(taskIds, 16, async (id) => {
    const task = (await sim.task(id)) as { history?: Array<{ state: string; at: string }> };
    const success = task.history?.find((h) => h.state === 'success');
    if (success && clock.scale > 0) out.set(id, realNow - (clock.nowMs - Date.parse(success.at)) / clock.scale);
  });
  return out;
}
