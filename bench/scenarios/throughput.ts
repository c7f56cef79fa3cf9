// Throughput, cost per generation and latency: N generations started at once on vidu-flow's worker
// and on the textbook baseline's, side by side on one dev server and one simulator, in callback
// and poll mode, with admission on and off.
import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ViduFlowClient } from '../../client';
import { startStack } from '../../dev/stack';
import { SimAdmin } from '../../sim/admin-client';
import type { BaselineInput, BaselineResult } from '../baseline/workflows';
import {
  describeFailure,
  diffCounts,
  mapLimit,
  otherRuns,
  runCost,
  simRequests,
  startBaselineWorker,
  successTimes,
} from '../lib/harness';
import { ProcessMeter } from '../lib/proc';
import { addCosts, type HistoryCost, mean, mergeCounts, percentile, subtractCost } from '../lib/stats';

export type WaitMode = 'callback' | 'poll';
export type Side = 'vidu-flow' | 'baseline';

export interface ThroughputOptions {
  n: number;
  modes: WaitMode[];
  admission: Array<'on' | 'off'>;
  poll: { initialSeconds: number; factor: number; maxSeconds: number };
  simTimeScale: number;
  simConcurrency: number;
  /** The receiver's CALLBACK_FORWARD_STATES (receiver/forwarding.ts). */
  forwardStates: string;
  temporalAddress: string;
  serverPid: number;
  client: Client;
  dir: string;
  imagePath: string;
  imageDataUri: string;
  log: (line: string) => void;
}

export interface SideFigures {
  side: Side;
  mode: WaitMode;
  admission: 'on' | 'off';
  n: number;
  succeeded: number;
  seconds: number;
  genPerSecond: number;
  /** Per generation, the generation's own history plus its share of any other run on the queue (the slot manager). */
  eventsPerGen: number;
  actionsPerGen: number;
  workflowTasksPerGen: number;
  signalsPerGen: number;
  upsertsPerGen: number;
  timersPerGen: number;
  activityAttemptsPerGen: number;
  failedWorkflowTasks: number;
  failedWorkflowTaskCauses: Record<string, number>;
  /** Distinct failures of generations that did not succeed, with counts. */
  failures: Record<string, number>;
  /** eventsPerGen by event type, largest first (ACTIVITY_TASK_SCHEDULED…). */
  eventsByTypePerGen: Record<string, number>;
  /** The slot manager's (and any other run's) part of eventsPerGen. */
  otherEventsPerGen: number;
  viduRequestsPerGen: number;
  viduRequestsByEndpoint: Record<string, number>;
  latencyMs: { p50: number | undefined; p95: number | undefined; samples: number };
  workerCpuMsPerGen: number;
  workerPeakRssMiB: number;
  serverCpuMsPerGen: number;
}

interface Started {
  workflowId: string;
  result(): Promise<{ taskId: string }>;
}

export async function runThroughput(opts: ThroughputOptions): Promise<SideFigures[]> {
  const figures: SideFigures[] = [];
  for (const admission of opts.admission) {
    const name = `admission-${admission}`;
    const taskQueue = `bench-vf-${admission}-${randomUUID().slice(0, 8)}`;
    const stack = await startStack({
      temporalAddress: opts.temporalAddress,
      taskQueue,
      callbacks: true,
      archiveDir: path.join(opts.dir, name, 'archive'),
      stagingDir: path.join(opts.dir, name, 'staging'),
      simEnv: {
        VIDU_SIM_TIME_SCALE: String(opts.simTimeScale),
        VIDU_SIM_MAX_CONCURRENCY: String(opts.simConcurrency),
        VIDU_SIM_CREDITS: '100000000',
      },
      // Off: no cap. On: the default, the account's concurrency limit read from Vidu (the sim's).
      workerEnv: admission === 'off' ? { VIDU_MAX_IN_FLIGHT: '0' } : {},
      receiverEnv: { CALLBACK_FORWARD_STATES: opts.forwardStates },
      logDir: path.join(opts.dir, name, 'logs'),
    });
    const baseline = await startBaselineWorker(
      {
        TEMPORAL_ADDRESS: opts.temporalAddress,
        VIDU_BASE_URL: stack.simUrl,
        VIDU_API_KEY: stack.apiKey,
        ARCHIVE_DIR: path.join(opts.dir, name, 'baseline-archive'),
      },
      `bench-base-${randomUUID().slice(0, 8)}`,
    );
    try {
      const sim = new SimAdmin(stack.simUrl);
      const vf = await ViduFlowClient.connect({
        client: opts.client,
        taskQueue,
        stagingDir: path.join(opts.dir, name, 'staging'),
      });
      const started = new Set<string>();
      const startVf =
        (mode: WaitMode) =>
        async (i: number): Promise<Started> => {
          const h = await vf.start('img2video', {
            request: { model: 'viduq2', images: [opts.imagePath], prompt: `bench ${i}`, duration: 5 },
            options: { waitMode: mode, ...(mode === 'poll' ? { poll: opts.poll } : {}) },
          });
          started.add(h.workflowId);
          return { workflowId: h.workflowId, result: () => h.result() as Promise<{ taskId: string }> };
        };
      const startBase = async (i: number): Promise<Started> => {
        const input: BaselineInput = {
          request: { model: 'viduq2', images: [opts.imageDataUri], prompt: `bench ${i}`, duration: 5 },
          poll: opts.poll,
        };
        const h = await opts.client.workflow.start('baselineGeneration', {
          taskQueue: baseline.taskQueue,
          workflowId: `baseline-${randomUUID()}`,
          args: [input],
        });
        return { workflowId: h.workflowId, result: () => h.result() as Promise<BaselineResult> };
      };

      // Warm-up: JIT, connections and the workflow code's first load are not what is measured.
      const warm = Math.min(5, opts.n);
      await runBatch(warm, startBase);
      await runBatch(warm, startVf('callback'));

      for (const mode of opts.modes) {
        // Baseline first, then vidu-flow, back to back under the same load.
        for (const side of ['baseline', 'vidu-flow'] as const) {
          opts.log(`throughput: ${side}, ${mode} mode, admission ${admission}: ${opts.n} generations…`);
          const queue = side === 'baseline' ? baseline.taskQueue : taskQueue;
          const othersBefore =
            side === 'vidu-flow' ? await otherRuns(opts.client, queue, started) : new Map<string, HistoryCost>();
          const requestsBefore = await simRequests(sim);
          const worker = new ProcessMeter(side === 'baseline' ? [baseline.pid] : stack.workerPids());
          const server = new ProcessMeter([opts.serverPid]);
          const t0 = Date.now();
          const batch = await runBatch(opts.n, side === 'baseline' ? startBase : startVf(mode));
          const seconds = (Date.now() - t0) / 1000;
          const w = worker.stop();
          const s = server.stop();
          const requests = diffCounts(await simRequests(sim), requestsBefore);
          const runs = await mapLimit(batch.ok, 8, (r) => runCost(opts.client, r.workflowId));
          let other: HistoryCost = addCosts([]);
          if (side === 'vidu-flow') {
            const after = await otherRuns(opts.client, queue, started);
            other = subtractCost(addCosts([...after.values()]), addCosts([...othersBefore.values()]));
          }
          const total = addCosts([...runs.map((r) => r.cost), other]);
          const success = await successTimes(
            sim,
            batch.ok.map((r) => r.taskId),
          );
          const latencies = batch.ok.flatMap((r, i) => {
            const at = success.get(r.taskId);
            return at === undefined ? [] : [runs[i]!.closedAtMs - at];
          });
          const n = opts.n;
          const viduRequests = Object.values(requests).reduce((a, b) => a + b, 0);
          const f: SideFigures = {
            side,
            mode,
            admission,
            n,
            succeeded: batch.ok.length,
            seconds,
            genPerSecond: batch.ok.length / seconds,
            eventsPerGen: total.events / n,
            actionsPerGen: total.actions / n,
            workflowTasksPerGen: total.workflowTasks / n,
            signalsPerGen: total.signals / n,
            upsertsPerGen: total.upserts / n,
            timersPerGen: total.timers / n,
            activityAttemptsPerGen: total.activityAttempts / n,
            failedWorkflowTasks: total.failedWorkflowTasks,
            failedWorkflowTaskCauses: mergeCounts(runs.map((r) => r.taskFailures)),
            failures: mergeCounts(batch.failed.map((why) => ({ [why]: 1 }))),
            eventsByTypePerGen: perGen(total.byType, n),
            otherEventsPerGen: other.events / n,
            viduRequestsPerGen: viduRequests / n,
            viduRequestsByEndpoint: requests,
            latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), samples: latencies.length },
            workerCpuMsPerGen: w.cpuMs / n,
            workerPeakRssMiB: w.peakRssMiB,
            serverCpuMsPerGen: s.cpuMs / n,
          };
          if (batch.failed.length > 0) opts.log(`  ${batch.failed.length} failed, e.g. ${batch.failed[0]}`);
          opts.log(
            `  ${f.genPerSecond.toFixed(2)} gen/s, ${f.eventsPerGen.toFixed(1)} events/gen, ${f.actionsPerGen.toFixed(1)} actions/gen, ` +
              `${f.viduRequestsPerGen.toFixed(2)} Vidu requests/gen, latency p50 ${Math.round(f.latencyMs.p50 ?? NaN)} ms, worker CPU ${Math.round(f.workerCpuMsPerGen)} ms/gen (mean latency ${Math.round(mean(latencies) ?? NaN)} ms)`,
          );
          figures.push(f);
        }
      }
    } finally {
      await baseline.stop();
      await stack.stop();
    }
  }
  return figures;
}

function perGen(counts: Record<string, number>, n: number): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counts)
      .filter(([, v]) => v !== 0)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => [k, Math.round((v / n) * 100) / 100]),
  );
}

interface Batch {
  ok: Array<{ workflowId: string; taskId: string }>;
  failed: string[];
}

/** Starts `n` generations at once and waits for all of them. */
async function runBatch(n: number, start: (i: number) => Promise<Started>): Promise<Batch> {
  const handles = await Promise.all(Array.from({ length: n }, (_, i) => start(i)));
  // Bounded: each result() is a long-poll, and the server limits them per namespace.
  const outcomes = await mapLimit(handles, 200, (h) =>
    h.result().then(
      (r) => ({ ok: true as const, workflowId: h.workflowId, taskId: r.taskId }),
      (e: unknown) => ({ ok: false as const, error: describeFailure(e) }),
    ),
  );
  return {
    ok: outcomes.flatMap((o) => (o.ok ? [{ workflowId: o.workflowId, taskId: o.taskId }] : [])),
    failed: outcomes.flatMap((o) => (o.ok ? [] : [o.error])),
  };
}
