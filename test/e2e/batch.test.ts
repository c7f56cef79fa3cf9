// Batches end to end: the simulator, the callback receiver and the worker run as their own
// processes; the `batch` workflow reads a JSONL file, runs one generation per line as a child,
// `window` at a time, writes a results file and returns a summary.
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BatchHandle, type BatchLineResult, type BatchStatus, ViduFlowClient } from '../../client';
import { OUTSIDE_ROOTS } from '../../activities/input-roots';
import { startStack, type Stack } from '../../dev/stack';
import { renderPng } from '../../sim/media/render';
import { SimAdmin } from '../../sim/admin-client';
import { temporalServer, uniqueTaskQueue } from '../helpers/temporal';

const FAST_POLL = { initialSeconds: 1, factor: 1.5, maxSeconds: 2 };
const SIM_CAP = 5;
/** img2video viduq2, 5 s, 720p: priced as viduq2-pro, 15 + 10·(5 − 1) (vidu/prices/table.ts, docs/vidu-pricing.md). */
const CREDITS_PER_LINE = 55;

let dir: string;
let stack: Stack;
let client: ViduFlowClient;
let sim: SimAdmin;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-batch-'));
  await mkdir(path.join(dir, 'media'));
  await writeFile(path.join(dir, 'media', 'landscape.png'), renderPng('batch', { width: 640, height: 360 }));
  const { address, namespace } = temporalServer();
  stack = await startStack({
    temporalAddress: address,
    namespace,
    taskQueue: uniqueTaskQueue('e2e-batch'),
    callbacks: true,
    archiveDir: path.join(dir, 'archive'),
    stagingDir: path.join(dir, 'staging'),
    // The worker reads batch files and their relative media paths: only under this folder.
    inputRoots: [dir],
    // 30 simulated seconds of processing = 50 real ms.
    simEnv: {
      VIDU_SIM_TIME_SCALE: '600',
      VIDU_SIM_MAX_CONCURRENCY: String(SIM_CAP),
      VIDU_SIM_CALLBACK_RETRY_MS: '200',
    },
    logDir: path.join(dir, 'logs'),
  });
  sim = new SimAdmin(stack.simUrl);
  client = await ViduFlowClient.connect({
    address,
    namespace,
    taskQueue: stack.env.VIDU_TASK_QUEUE,
    stagingDir: path.join(dir, 'staging'),
  });
});

afterAll(async () => {
  await client?.temporal.connection.close();
  await stack?.stop();
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

/** A valid line; its image path is relative to the batch file's folder. */
function line(n: number, request: Record<string, unknown> = {}, options: Record<string, unknown> = {}): string {
  return JSON.stringify({
    kind: 'img2video',
    request: {
      model: 'viduq2',
      images: ['media/landscape.png'],
      prompt: `batch line ${n}: the camera pushes in`,
      duration: 5,
      resolution: '720p',
      ...request,
    },
    options: { poll: FAST_POLL, ...options },
  });
}

async function readResults(file: string): Promise<BatchLineResult[]> {
  return (await readFile(file, 'utf8'))
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as BatchLineResult);
}

/** Queries the status every 250 ms until the batch closes; returns every sample. */
function sample(handle: BatchHandle): { samples: BatchStatus[]; stop: () => Promise<void> } {
  const samples: BatchStatus[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const s = await handle.status().catch(() => undefined);
      if (s) samples.push(s);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** Most children open at once, replayed from the batch's own history events. */
async function childrenInFlightFromHistory(
  handle: BatchHandle,
  runId?: string,
): Promise<{ max: number; started: number; events: number }> {
  const history = await client.temporal.workflow.getHandle(handle.workflowId, runId).fetchHistory();
  let open = 0;
  let max = 0;
  let started = 0;
  for (const e of history.events ?? []) {
    if (e.startChildWorkflowExecutionInitiatedEventAttributes) {
      open += 1;
      started += 1;
      max = Math.max(max, open);
    }
    if (
      e.childWorkflowExecutionCompletedEventAttributes ||
      e.childWorkflowExecutionFailedEventAttributes ||
      e.childWorkflowExecutionCanceledEventAttributes ||
      e.childWorkflowExecutionTerminatedEventAttributes ||
      e.childWorkflowExecutionTimedOutEventAttributes ||
      e.startChildWorkflowExecutionFailedEventAttributes
    ) {
      open -= 1;
    }
  }
  return { max, started, events: history.events?.length ?? 0 };
}

describe('batch workflow end to end', () => {
  // 60 lines: three windows' worth, so the window fills and refills with real processes (the
  // window's rule itself, line by line, is test/workflow/batch.test.ts's; 200 lines here cost ~70 s
  // of a 2-core run for nothing more).
  it('runs 60 lines with a window of 20: exact summary, results file, window and Vidu cap respected', async () => {
    const started = Date.now();
    const lines: string[] = [];
    const expectedFailures = new Map<number, string>();
    for (let n = 1; n <= 61; n++) {
      if (n === 31)
        lines.push(''); // a blank line: skipped, not counted
      else if (n === 7) {
        lines.push(line(n, { prompt: 'x'.repeat(2001) }));
        expectedFailures.set(n, 'InvalidLine');
      } else if (n === 20) {
        lines.push('{"kind": "img2video", "request": {');
        expectedFailures.set(n, 'InvalidLine');
      } else if (n === 45) {
        lines.push(line(n).replace('"img2video"', '"text2video"'));
        expectedFailures.set(n, 'InvalidLine');
      } else if (n === 58) {
        lines.push(JSON.stringify({ kind: 'img2video', options: {} }));
        expectedFailures.set(n, 'InvalidLine');
      } else if (n === 33) {
        // Valid as a line; the child's stage activity finds the file missing.
        lines.push(line(n, { images: ['media/missing.png'] }));
        expectedFailures.set(n, 'InvalidRequest');
      } else {
        lines.push(line(n, {}, n === 2 ? { priority: 'interactive' } : {}));
      }
    }
    const file = path.join(dir, 'sixty.jsonl');
    await writeFile(file, `${lines.join('\n')}\n`);
    // The first three tasks Vidu creates fail.
    await sim.setFaults({
      endpoints: { img2video: { taskFailure: { rate: 1, errCode: 'CreationPolicyViolation', count: 3 } } },
    });
    const createsBefore = await sim.createRequests();

    const handle = await client.startBatch(file, { window: 20 });
    const sampler = sample(handle);
    const summary = await handle.result();
    await sampler.stop();
    const seconds = (Date.now() - started) / 1000;

    // The summary.
    // Credits: the 52 successes only. Vidu charges no failed task, moderation failures included
    // (docs/vidu-pricing.md), so the three CreationPolicyViolation tasks count 0.
    expect(summary).toMatchObject({
      workflowId: handle.workflowId,
      total: 60,
      succeeded: 52,
      failed: 8,
      credits: 52 * CREDITS_PER_LINE,
      runs: 1,
      maxInFlight: 20,
    });
    const byType = (t: string) => summary.failures.filter((f) => f.type === t).map((f) => f.line);
    expect(byType('InvalidLine')).toEqual([7, 20, 45, 58]);
    expect(byType('InvalidRequest')).toEqual([33]);
    expect(byType('ViduTaskFailed')).toHaveLength(3);
    expect(summary.failures.map((f) => f.line)).toEqual([...summary.failures.map((f) => f.line)].sort((a, b) => a - b));
    expect(summary.failures.find((f) => f.line === 7)?.message).toMatch(/prompt/);
    expect(summary.failures.find((f) => f.line === 45)?.message).toMatch(/text2video/);
    expect(summary.failures.find((f) => f.type === 'ViduTaskFailed')?.message).toMatch(/CreationPolicyViolation/);

    // The results file: one line per batch line, in order, matching the summary.
    expect(summary.resultsFile).toBe(path.join(dir, 'archive', handle.workflowId, 'batch-results.jsonl'));
    const results = await readResults(summary.resultsFile);
    expect(results).toHaveLength(60);
    expect(results.map((r) => r.line)).toEqual([
      ...Array.from({ length: 30 }, (_, i) => i + 1),
      ...Array.from({ length: 30 }, (_, i) => i + 32),
    ]);
    expect(results.filter((r) => r.state === 'success')).toHaveLength(52);
    for (const r of results) {
      const expected = expectedFailures.get(r.line);
      if (expected === 'InvalidLine') {
        expect(r).toMatchObject({ state: 'failed', error: { type: 'InvalidLine' } });
        expect(r.workflowId).toBeUndefined();
        continue;
      }
      expect(r.workflowId).toBe(`${handle.workflowId}~${r.line}`);
      if (expected) expect(r).toMatchObject({ state: 'failed', error: { type: expected } });
      if (r.state === 'success') {
        expect(r.taskId).toBeTruthy();
        expect(r.credits).toBe(CREDITS_PER_LINE);
        expect(existsSync(r.archive ?? '')).toBe(true);
      }
    }
    // (a line's results row leaves out a credits figure of 0)
    expect(results.filter((r) => r.error?.type === 'ViduTaskFailed').map((r) => r.credits ?? 0)).toEqual([0, 0, 0]);

    // The window: never more than 20 children at once, by the status query and by the history.
    expect(sampler.samples.length).toBeGreaterThan(5);
    expect(Math.max(...sampler.samples.map((s) => s.inFlight))).toBeLessThanOrEqual(20);
    expect(sampler.samples.every((s) => s.done + s.inFlight <= 60 && s.failed <= s.done)).toBe(true);
    const fromHistory = await childrenInFlightFromHistory(handle);
    expect(fromHistory.started).toBe(56);
    expect(fromHistory.max).toBe(20);

    // Vidu: one submission per started line that passed staging; its cap held; credits agree.
    const stats = await sim.stats();
    expect((await sim.createRequests()) - createsBefore).toBe(55);
    expect(stats.maxRunningAtOnce).toBeLessThanOrEqual(SIM_CAP);
    expect(stats.creditsSpent - stats.creditsRefunded).toBe(summary.credits);
    const final = await handle.status();
    expect(final).toMatchObject({
      phase: 'done',
      total: 60,
      done: 60,
      failed: 8,
      inFlight: 0,
      resultsFile: summary.resultsFile,
    });
    const { historySize } = await handle.workflow.describe();
    console.log(
      `[batch] 60 lines, window 20: ${seconds.toFixed(1)} s; batch history ${fromHistory.events} events, ${Math.round((historySize ?? 0) / 1024)} KiB; ${sampler.samples.length} status samples`,
    );
  });

  it('continues as new every 10 lines with a correct summary, and a re-run under the same id starts nothing again', async () => {
    await sim.setFaults({});
    const lines = Array.from({ length: 25 }, (_, i) => (i + 1 === 12 ? line(12, { duration: 'five' }) : line(i + 1)));
    const file = path.join(dir, 'rolling.jsonl');
    await writeFile(file, `${lines.join('\n')}\n`);
    const createsBefore = await sim.createRequests();

    const handle = await client.startBatch(file, { window: 4, linesPerRun: 10 });
    const firstRunId = (await handle.workflow.describe()).runId;
    const summary = await handle.result();
    expect(summary).toMatchObject({
      total: 25,
      succeeded: 24,
      failed: 1,
      credits: 24 * CREDITS_PER_LINE,
      runs: 3,
      maxInFlight: 4,
    });
    expect(summary.failures).toEqual([{ line: 12, type: 'InvalidLine', message: expect.stringMatching(/duration/) }]);
    const results = await readResults(summary.resultsFile);
    expect(results.map((r) => r.line)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect((await client.temporal.workflow.getHandle(handle.workflowId, firstRunId).describe()).status.name).toBe(
      'CONTINUED_AS_NEW',
    );
    const firstRun = await childrenInFlightFromHistory(handle, firstRunId);
    expect(firstRun.started).toBe(10);
    expect(firstRun.max).toBeLessThanOrEqual(4);
    expect((await sim.createRequests()) - createsBefore).toBe(24);
    expect(await handle.status()).toMatchObject({ phase: 'done', run: 3, done: 25 });

    // The same batch id again (as after a reset): every child exists already and is found, not
    // started a second time; the summary is the same.
    const again = await client.temporal.workflow.start('batch', {
      taskQueue: client.taskQueue,
      workflowId: handle.workflowId,
      args: [{ source: { path: file }, window: 4, linesPerRun: 10 }],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    const rerun = (await again.result()) as typeof summary;
    expect(rerun).toMatchObject({ total: 25, succeeded: 24, failed: 1, credits: summary.credits, runs: 3 });
    expect((await sim.createRequests()) - createsBefore).toBe(24);
    expect(await readResults(rerun.resultsFile)).toEqual(results);
  });

  it('cancelling a batch cancels its running generations (and their Vidu tasks), records them and starts nothing more', async () => {
    // Off-peak tasks wait in queueing for hours (simulated), where Vidu allows a cancel.
    const lines = Array.from({ length: 6 }, (_, i) => line(i + 1, { off_peak: true }));
    const file = path.join(dir, 'cancel.jsonl');
    await writeFile(file, `${lines.join('\n')}\n`);
    const handle = await client.startBatch(file, { window: 3 });
    const deadline = Date.now() + 30_000;
    for (;;) {
      // Asked of Vidu (the simulator): the receiver does not forward `queueing` by default.
      const children = await Promise.all(
        [1, 2, 3].map(async (n) => {
          const s = await client
            .getHandle(`${handle.workflowId}~${n}`)
            .status()
            .catch(() => undefined);
          return s?.taskId ? await sim.task(s.taskId).catch(() => undefined) : undefined;
        }),
      );
      if (children.every((c) => c?.state === 'queueing')) break;
      if (Date.now() > deadline)
        throw new Error(`children never all reached queueing: ${JSON.stringify(children.map((c) => c?.state))}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await handle.cancel();
    const error = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    const status = await handle.status();
    expect(status).toMatchObject({ phase: 'cancelled', done: 3, failed: 3, inFlight: 0, nextLine: 4 });
    const results = await readResults(status.resultsFile ?? '');
    expect(results.map((r) => [r.line, r.error?.type])).toEqual([
      [1, 'Cancelled'],
      [2, 'Cancelled'],
      [3, 'Cancelled'],
    ]);
    for (const n of [1, 2, 3]) {
      const child = await client.getHandle(`${handle.workflowId}~${n}`).status();
      expect(child.cancellation?.outcome).toBe('cancelled');
      expect(JSON.stringify(await sim.task(child.taskId ?? ''))).toContain('UserCancelled');
    }
    await expect(client.getHandle(`${handle.workflowId}~4`).workflow.describe()).rejects.toThrow();
  });

  it('refuses a batch file outside VIDU_FLOW_INPUT_ROOTS, saying nothing about it', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'vidu-flow-batch-outside-'));
    try {
      const file = path.join(outside, 'elsewhere.jsonl');
      await writeFile(file, `${line(1)}\n`);
      // A symlink inside the root that points out of it is judged by where it points.
      const link = path.join(dir, 'link-outside.jsonl');
      await symlink(file, link);
      const createsBefore = await sim.createRequests();
      const failures: string[] = [];
      for (const source of [file, path.join(outside, 'missing.jsonl'), link]) {
        const handle = await client.startBatch(source, { window: 1 });
        const error = await handle.result().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(WorkflowFailedError);
        failures.push(((error as WorkflowFailedError).cause as Error).message);
      }
      for (const message of failures) expect(message).toBe(`source.path: ${OUTSIDE_ROOTS}`);
      expect(await sim.createRequests()).toBe(createsBefore);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
