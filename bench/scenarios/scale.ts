// Scale: many generations waiting at Vidu at once on ONE worker (the simulator's clock is frozen,
// so it holds every task), then Vidu finishes them all. Worker memory, the dev server's health
// while they wait, every generation completed, no failed workflow task.
import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ViduFlowClient } from '../../client';
import { startStack } from '../../dev/stack';
import { SimAdmin } from '../../test/helpers/sim-admin';
import { describeFailure, diffCounts, mapLimit, runCost, simRequests } from '../lib/harness';
import { memoryMiB, ProcessMeter } from '../lib/proc';
import { addCosts, mergeCounts, percentile } from '../lib/stats';
import { waitForTasks } from './callbacks';

export interface ScaleFigures {
  n: number;
  admission: 'on' | 'off';
  startSeconds: number;
  allWaitingSeconds: number;
  workerRssWaitingMiB: number;
  workerPeakRssMiB: number;
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
  eventsPerGen: number;
  viduRequestsPerGen: number;
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
    workerEnv: opts.admission === 'off' ? { VIDU_MAX_IN_FLIGHT: '0' } : {},
    logDir: path.join(opts.dir, 'scale', 'logs'),
  });
  try {
    const sim = new SimAdmin(stack.simUrl);
    const requestsBefore = await simRequests(sim);
    const vf = await ViduFlowClient.connect({ client: opts.client, taskQueue, stagingDir: path.join(opts.dir, 'scale', 'staging') });
    const meter = new ProcessMeter(stack.workerPids(), 1000);
    opts.log(`scale: starting ${opts.n} generations (admission ${opts.admission})…`);
    const t0 = Date.now();
    const handles = await mapLimit(Array.from({ length: opts.n }, (_, i) => i), 50, (i) =>
      vf.start('img2video', { request: { model: 'viduq2', images: [opts.imagePath], prompt: `scale ${i}`, duration: 5 }, options: { waitMode: 'callback' } }),
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
    const openCount = (await opts.client.workflow.count(`TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`)).count;
    opts.log(`  all ${opts.n} waiting after ${allWaitingSeconds.toFixed(0)} s: worker RSS ${workerRssWaitingMiB.toFixed(0)} MiB, dev server RSS ${serverRssWaitingMiB.toFixed(0)} MiB, ${openCount} running`);

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
    const costs = await mapLimit(handles, 16, (h) => runCost(opts.client, h.workflowId));
    const cost = addCosts(costs.map((c) => c.cost));
    const requests = diffCounts(await simRequests(sim), requestsBefore);
    const figures: ScaleFigures = {
      n: opts.n,
      admission: opts.admission,
      startSeconds,
      allWaitingSeconds,
      workerRssWaitingMiB,
      workerPeakRssMiB: mem.peakRssMiB,
      serverRssWaitingMiB,
      serverHealth: { rpcMsP50: percentile(rpc, 50), rpcMsMax: percentile(rpc, 100), openCount },
      drainSeconds,
      completed: outcomes.filter(Boolean).length,
      failed: outcomes.filter((o) => !o).length,
      failures,
      failedWorkflowTasks: cost.failedWorkflowTasks,
      failedWorkflowTaskCauses: mergeCounts(costs.map((c) => c.taskFailures)),
      eventsPerGen: cost.events / opts.n,
      viduRequestsPerGen: Object.values(requests).reduce((a, b) => a + b, 0) / opts.n,
    };
    opts.log(`  drained in ${drainSeconds.toFixed(0)} s: ${figures.completed} completed, ${figures.failed} failed, ${figures.failedWorkflowTasks} failed workflow tasks; worker peak RSS ${mem.peakRssMiB.toFixed(0)} MiB`);
    return figures;
  } finally {
    await stack.stop();
  }
}
