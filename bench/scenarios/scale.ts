// Scale: many generations waiting at Vidu at once on ONE worker (the simulator's clock is frozen,
// so it holds every task), then Vidu finishes them all. Worker memory, the dev server's health
// while they wait, every generation completed, no failed workflow task.
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ViduFlowClient } from '../../client';
import { startStack } from '../../dev/stack';
import { SimAdmin } from '../../sim/admin-client';
import { describeFailure, diffCounts, mapLimit, simRequests } from '../lib/harness';
import { memoryMiB, ProcessMeter } from '../lib/proc';
import {
  addCosts,
  type HistoryCost,
  type HistoryEventLike,
  historyCost,
  mergeCounts,
  percentile,
  workflowTaskFailures,
} from '../lib/stats';
import { WORKFLOW_TUNING_ENV_VARS } from '../../worker/workflow-tuning';
import { waitForTasks } from './callbacks';

export interface ScaleFigures {
  n: number;
  admission: 'on' | 'off';
  startSeconds: number;
  allWaitingSeconds: number;
  workerRssWaitingMiB: number;
  workerPeakRssMiB: number;
  /** Worker CPU from the first start to the last result (one core's worth per second at most on its main thread). */
  workerCpuSeconds: number;
  serverRssWaitingMiB: number;
  /** Latency of a frontend call (GetSystemInfo) and of a visibility count while they all wait. */
  serverHealth: { rpcMsP50: number | undefined; rpcMsMax: number | undefined; openCount: number };
  drainSeconds: number;
  completed: number;
  failed: number;
  /** Distinct failures (ids removed) and how often each happened. */
  failures: Record<string, number>;
  failedWorkflowTasks: number;
  failedWorkflowTaskCauses: Record<string, number>;
  /** When they failed: before Vidu finished the tasks (start-up burst) or after (the callbacks' burst). */
  failedWorkflowTasksWhen: { waiting: number; draining: number };
  /**
   * How long workflow tasks waited for the worker, from first scheduled to started (a sticky
   * timeout and its reschedule count as one wait), ms: a sticky queue timeout below the max
   * times tasks out.
   */
  workflowTaskWaitMs: { p50: number | undefined; p99: number | undefined; max: number | undefined };
  /** The worker's workflow-cache settings in this run (`default`: unset, worker/workflow-tuning.ts's default). */
  workerEnv: Record<string, string>;
  eventsPerGen: number;
  viduRequestsPerGen: number;
  /** The simulator's callback deliveries during the drain: attempts, answered 2xx, failed (503 busy, timeouts…), given up. */
  callbacks: Record<string, number>;
}

export async function runScale(opts: {
  n: number;
  admission: 'on' | 'off';
  temporalAddress: string;
  serverPid: number;
  client: Client;
  dir: string;
  imagePath: string;
  log: (l: string) => void;
  /** Extra worker environment (VIDU_FLOW_MAX_CACHED_WORKFLOWS…), to compare settings. */
  workerEnv?: Record<string, string>;
}): Promise<ScaleFigures> {
  const taskQueue = `bench-scale-${randomUUID().slice(0, 8)}`;
  const stack = await startStack({
    temporalAddress: opts.temporalAddress,
    taskQueue,
    callbacks: true,
    archiveDir: path.join(opts.dir, 'scale', 'archive'),
    stagingDir: path.join(opts.dir, 'scale', 'staging'),
    simEnv: {
      VIDU_SIM_TIME_SCALE: '0',
      VIDU_SIM_MAX_CONCURRENCY: String(opts.n),
      VIDU_SIM_CREDITS: String(opts.n * 1000),
      // Thousands of callbacks at once when the clock moves: a slow answer is retried, not lost.
      VIDU_SIM_CALLBACK_TIMEOUT_MS: '30000',
      VIDU_SIM_CALLBACK_RETRIES: '6',
    },
    workerEnv: { ...(opts.admission === 'off' ? { VIDU_MAX_IN_FLIGHT: '0' } : {}), ...opts.workerEnv },
    logDir: path.join(opts.dir, 'scale', 'logs'),
  });
  try {
    const sim = new SimAdmin(stack.simUrl);
    const requestsBefore = await simRequests(sim);
    const vf = await ViduFlowClient.connect({
      client: opts.client,
      taskQueue,
      stagingDir: path.join(opts.dir, 'scale', 'staging'),
    });
    const meter = new ProcessMeter(stack.workerPids(), 1000);
    opts.log(`scale: starting ${opts.n} generations (admission ${opts.admission})…`);
    const t0 = Date.now();
    const handles = await mapLimit(
      Array.from({ length: opts.n }, (_, i) => i),
      50,
      (i) =>
        vf.start('img2video', {
          request: { model: 'viduq2', images: [opts.imagePath], prompt: `scale ${i}`, duration: 5 },
          options: { waitMode: 'callback' },
        }),
    );
    const startSeconds = (Date.now() - t0) / 1000;
    opts.log(`  started in ${startSeconds.toFixed(0)} s; waiting for every task to reach Vidu…`);
    await waitForTasks(sim, opts.n, Math.max(600_000, opts.n * 1000), opts.log);
    const allWaitingSeconds = (Date.now() - t0) / 1000;
    // Let the workflows settle into their wait before reading memory.
    await new Promise((r) => setTimeout(r, 5000));
    const workerRssWaitingMiB = stack.workerPids().reduce((a, pid) => a + memoryMiB(pid).rss, 0);
    const serverRssWaitingMiB = memoryMiB(opts.serverPid).rss;
    const rpc: number[] = [];
    for (let i = 0; i < 10; i++) {
      const s = performance.now();
      await opts.client.workflowService.getSystemInfo({});
      rpc.push(performance.now() - s);
    }
    const openCount = (await opts.client.workflow.count(`TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`))
      .count;
    opts.log(
      `  all ${opts.n} waiting after ${allWaitingSeconds.toFixed(0)} s: worker RSS ${workerRssWaitingMiB.toFixed(0)} MiB, dev server RSS ${serverRssWaitingMiB.toFixed(0)} MiB, ${openCount} running`,
    );

    const callbacksBefore = (await sim.stats()).callbacks;
    const t1 = Date.now();
    await sim.advance(120);
    let done = 0;
    const progress = setInterval(() => opts.log(`  ${done}/${opts.n} finished`), 15_000);
    const failures: Record<string, number> = {};
    // At most 200 result long-polls at once: thousands would hit the server's per-namespace
    // poller limit (RESOURCE_EXHAUSTED), a failure of the bench's client, not of a generation.
    const outcomes = await mapLimit(handles, 200, (h) =>
      h.result().then(
        () => (done++, true),
        (e: unknown) => {
          done++;
          const why = describeFailure(e);
          failures[why] = (failures[why] ?? 0) + 1;
          return false;
        },
      ),
    );
    clearInterval(progress);
    const drainSeconds = (Date.now() - t1) / 1000;
    const mem = meter.stop();
    const costs = await mapLimit(handles, 16, (h) => scaleRunCost(opts.client, h.workflowId, t1));
    const waits = costs.flatMap((c) => c.waitsMs);
    const cost = addCosts(costs.map((c) => c.cost));
    const requests = diffCounts(await simRequests(sim), requestsBefore);
    const callbacks = diffCounts((await sim.stats()).callbacks, callbacksBefore);
    const figures: ScaleFigures = {
      n: opts.n,
      admission: opts.admission,
      startSeconds,
      allWaitingSeconds,
      workerRssWaitingMiB,
      workerPeakRssMiB: mem.peakRssMiB,
      workerCpuSeconds: mem.cpuMs / 1000,
      serverRssWaitingMiB,
      serverHealth: { rpcMsP50: percentile(rpc, 50), rpcMsMax: percentile(rpc, 100), openCount },
      drainSeconds,
      completed: outcomes.filter(Boolean).length,
      failed: outcomes.filter((o) => !o).length,
      failures,
      failedWorkflowTasks: cost.failedWorkflowTasks,
      failedWorkflowTaskCauses: mergeCounts(costs.map((c) => c.taskFailures)),
      failedWorkflowTasksWhen: {
        waiting: costs.reduce((a, c) => a + c.failedWhileWaiting, 0),
        draining: costs.reduce((a, c) => a + c.failedWhileDraining, 0),
      },
      workflowTaskWaitMs: { p50: percentile(waits, 50), p99: percentile(waits, 99), max: percentile(waits, 100) },
      workerEnv: Object.fromEntries(
        WORKFLOW_TUNING_ENV_VARS.map((k) => [k, opts.workerEnv?.[k] ?? process.env[k] ?? 'default']),
      ),
      eventsPerGen: cost.events / opts.n,
      viduRequestsPerGen: Object.values(requests).reduce((a, b) => a + b, 0) / opts.n,
      callbacks,
    };
    opts.log(
      `  drained in ${drainSeconds.toFixed(0)} s: ${figures.completed} completed, ${figures.failed} failed, ${figures.failedWorkflowTasks} failed workflow tasks ` +
        `(${figures.failedWorkflowTasksWhen.waiting} before Vidu finished, ${figures.failedWorkflowTasksWhen.draining} after); ` +
        `workflow tasks waited p99 ${figures.workflowTaskWaitMs.p99?.toFixed(0)} ms, max ${figures.workflowTaskWaitMs.max?.toFixed(0)} ms; worker peak RSS ${mem.peakRssMiB.toFixed(0)} MiB; ` +
        `callbacks ${JSON.stringify(callbacks)}`,
    );
    return figures;
  } finally {
    await stack.stop();
  }
}

const E = temporal.api.enums.v1.EventType;

/**
 * One history read once: its cost, its failed workflow tasks by cause and by phase (before or
 * after `drainFromMs`, when the simulator finished the tasks), and every workflow task's wait.
 */
async function scaleRunCost(
  client: Client,
  workflowId: string,
  drainFromMs: number,
): Promise<{
  cost: HistoryCost;
  taskFailures: Record<string, number>;
  failedWhileWaiting: number;
  failedWhileDraining: number;
  waitsMs: number[];
}> {
  const events = ((await client.workflow.getHandle(workflowId).fetchHistory()).events ?? []) as Array<
    HistoryEventLike & { eventTime?: Parameters<typeof tsToMs>[0] | null }
  >;
  let failedWhileWaiting = 0;
  let failedWhileDraining = 0;
  const waitsMs: number[] = [];
  let scheduledAt: number | undefined;
  for (const e of events) {
    const at = e.eventTime ? tsToMs(e.eventTime) : NaN;
    if (e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) scheduledAt ??= at;
    else if (e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
      if (scheduledAt !== undefined && Number.isFinite(at)) waitsMs.push(at - scheduledAt);
      scheduledAt = undefined;
    } else if (
      e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_FAILED ||
      e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT
    ) {
      if (at < drainFromMs) failedWhileWaiting++;
      else failedWhileDraining++;
    }
  }
  return {
    cost: historyCost(events),
    taskFailures: workflowTaskFailures(events),
    failedWhileWaiting,
    failedWhileDraining,
    waitsMs,
  };
}
