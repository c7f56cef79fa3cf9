// Callback ingestion: signed Vidu callbacks POSTed to the receiver at a steady rate (open loop),
// each routed to a waiting generation; the time from the POST to its answer is the time to the
// signal being accepted by Temporal (the receiver answers 200 only after the signal call returns).
import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ViduFlowClient } from '../../client';
import { startStack } from '../../dev/stack';
import { SimAdmin } from '../../sim/admin-client';
import { signCallbackRequest } from '../../vidu/signature';
import { describeFailure, mapLimit, runCost } from '../lib/harness';
import { ProcessMeter } from '../lib/proc';
import { addCosts, mergeCounts, percentile } from '../lib/stats';

export interface CallbackFigures {
  rate: number;
  seconds: number;
  generations: number;
  sent: number;
  achievedRate: number;
  status: Record<string, number>;
  serverErrors: number;
  latencyMs: { p50: number | undefined; p99: number | undefined; max: number | undefined };
  signalsRecorded: number;
  workerCpuMsPerCallback: number;
  completedAfterwards: number;
  failures: Record<string, number>;
  failedWorkflowTasks: number;
  failedWorkflowTaskCauses: Record<string, number>;
}

export async function runCallbackIngestion(opts: {
  rate: number;
  seconds: number;
  temporalAddress: string;
  client: Client;
  dir: string;
  imagePath: string;
  log: (l: string) => void;
}): Promise<CallbackFigures> {
  const k = Math.max(1, Math.min(50, Math.round(opts.rate)));
  const taskQueue = `bench-callbacks-${randomUUID().slice(0, 8)}`;
  const stack = await startStack({
    temporalAddress: opts.temporalAddress,
    taskQueue,
    callbacks: true,
    archiveDir: path.join(opts.dir, 'callbacks', 'archive'),
    stagingDir: path.join(opts.dir, 'callbacks', 'staging'),
    // A frozen clock: the tasks wait at Vidu until the bench moves time on.
    simEnv: { VIDU_SIM_TIME_SCALE: '0', VIDU_SIM_MAX_CONCURRENCY: '1000' },
    workerEnv: { VIDU_MAX_IN_FLIGHT: '0' },
    // Every callback here is a `processing` one with new progress; by default the receiver forwards
    // only the first per task (receiver/forwarding.ts). This scenario measures the signal path,
    // so it forwards them all: the worst case for the worker and the server.
    receiverEnv: { CALLBACK_FORWARD_STATES: 'all' },
    logDir: path.join(opts.dir, 'callbacks', 'logs'),
  });
  try {
    const sim = new SimAdmin(stack.simUrl);
    const vf = await ViduFlowClient.connect({
      client: opts.client,
      taskQueue,
      stagingDir: path.join(opts.dir, 'callbacks', 'staging'),
    });
    opts.log(`callbacks: ${k} generations waiting, then ${opts.rate}/s for ${opts.seconds} s…`);
    const handles = await Promise.all(
      Array.from({ length: k }, (_, i) =>
        vf.start('img2video', {
          request: { model: 'viduq2', images: [opts.imagePath], prompt: `callbacks ${i}`, duration: 5 },
          options: { waitMode: 'callback' },
        }),
      ),
    );
    const tasks = await waitForTasks(sim, k, 180_000);
    const targets = await mapLimit(tasks, 8, async (id) => {
      const t = (await sim.task(id)) as { id: string; callbackUrl?: string };
      if (!t.callbackUrl) throw new Error(`task ${id} has no callback URL`);
      return { id, url: t.callbackUrl };
    });

    const total = Math.round(opts.rate * opts.seconds);
    const latencies: number[] = [];
    const status: Record<string, number> = {};
    const meter = new ProcessMeter(stack.workerPids());
    const t0 = Date.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / opts.rate;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const target = targets[i % targets.length]!;
      const progress = Math.min(99, 1 + Math.floor(i / targets.length));
      inFlight.push(
        post(target.url, stack.apiKey, target.id, progress).then(({ ms, code }) => {
          latencies.push(ms);
          status[code] = (status[code] ?? 0) + 1;
        }),
      );
    }
    await Promise.all(inFlight);
    const elapsed = (Date.now() - t0) / 1000;
    const cpu = meter.stop();

    // Let the generations finish: Vidu completes the tasks and calls back with `success`.
    await sim.advance(120);
    const failures: Record<string, number> = {};
    const outcomes = await Promise.all(
      handles.map((h) =>
        h.result().then(
          () => true,
          (e: unknown) => {
            const why = describeFailure(e);
            failures[why] = (failures[why] ?? 0) + 1;
            return false;
          },
        ),
      ),
    );
    const costs = await mapLimit(handles, 8, (h) => runCost(opts.client, h.workflowId));
    const cost = addCosts(costs.map((c) => c.cost));
    const serverErrors = Object.entries(status)
      .filter(([c]) => c.startsWith('5') || c === 'network')
      .reduce((a, [, v]) => a + v, 0);
    const figures: CallbackFigures = {
      rate: opts.rate,
      seconds: opts.seconds,
      generations: k,
      sent: total,
      achievedRate: total / elapsed,
      status,
      serverErrors,
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: percentile(latencies, 100) },
      signalsRecorded: cost.signals,
      workerCpuMsPerCallback: cpu.cpuMs / total,
      completedAfterwards: outcomes.filter(Boolean).length,
      failures,
      failedWorkflowTasks: cost.failedWorkflowTasks,
      failedWorkflowTaskCauses: mergeCounts(costs.map((c) => c.taskFailures)),
    };
    opts.log(
      `  ${total} sent at ${figures.achievedRate.toFixed(1)}/s: p50 ${figures.latencyMs.p50?.toFixed(1)} ms, p99 ${figures.latencyMs.p99?.toFixed(1)} ms, ` +
        `${serverErrors} 5xx/network errors, statuses ${JSON.stringify(status)}; ${figures.completedAfterwards}/${k} completed`,
    );
    return figures;
  } finally {
    await stack.stop();
  }
}

async function post(
  url: string,
  secret: string,
  taskId: string,
  progress: number,
): Promise<{ ms: number; code: string }> {
  const body = JSON.stringify({
    id: taskId,
    state: 'processing',
    err_code: '',
    credits: 0,
    payload: '',
    bgm: false,
    off_peak: false,
    progress,
    creations: [],
  });
  const t0 = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { ...signCallbackRequest({ secret, method: 'POST', url }), 'Content-Type': 'application/json' },
      body,
    });
    await res.arrayBuffer();
    return { ms: performance.now() - t0, code: String(res.status) };
  } catch {
    return { ms: performance.now() - t0, code: 'network' };
  }
}

/** Ids of the tasks created at the simulator, once there are `n` of them. */
export async function waitForTasks(
  sim: SimAdmin,
  n: number,
  timeoutMs: number,
  log?: (l: string) => void,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let lastLog = Date.now();
  for (;;) {
    const tasks = (await (await fetch(`${sim.url}/_sim/tasks`)).json()) as Array<{ id: string }>;
    if (tasks.length >= n) return tasks.map((t) => t.id);
    if (Date.now() > deadline)
      throw new Error(`only ${tasks.length} of ${n} tasks reached the simulator in ${timeoutMs / 1000} s`);
    if (log && Date.now() - lastLog > 15_000) {
      log(`  ${tasks.length}/${n} submitted`);
      lastLog = Date.now();
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
