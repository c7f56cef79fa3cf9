// The batch (workflows/batch.ts): one child generation per line, at most `window` in flight,
// continue-as-new every `linesPerRun` lines, failures as lines of the results. Under time skipping
// with stub activities (test/helpers/stub-activities.ts): the "file" is the scenario's lines, and
// the children are the REAL generation workflows against the stub Vidu.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchInput, BatchLine, BatchSummary } from '../../core/batch-types';
import type { GenerationKind } from '../../core/generation-types';
import { FailureType } from '../../core/failure-types';
import { batchStatusQuery } from '../../core/workflow-messages';
import { failureOf } from '../helpers/temporal';
import { STUB_ACTIVITY_NAMES, StubVidu, type Scenario } from '../helpers/stub-activities';
import { secondsSince, startFastWorker, workflowTime, type FastWorker } from '../helpers/time-skipping';

let fast: FastWorker;
const fileStarted = Date.now();

beforeAll(async () => {
  fast = await startFastWorker(STUB_ACTIVITY_NAMES);
});

afterAll(async () => {
  await fast?.close();
  process.stderr.write(`[time-skipping] test/workflow/batch.test.ts took ${secondsSince(fileStarted)} s\n`);
});

/** A valid line of the batch file; a prompt of `fail` makes the stub Vidu fail its task. */
const line = (n: number, prompt = `line ${n}`, kind: GenerationKind = 'text2video'): BatchLine => ({
  line: n,
  offset: n * 100,
  kind,
  input: { request: { model: 'viduq2', prompt }, options: { priority: 'batch' } },
});
const invalid = (n: number): BatchLine => ({
  line: n,
  offset: n * 100,
  error: { type: 'InvalidLine', message: 'request.prompt: required' },
});
const lines = (count: number): BatchLine[] => Array.from({ length: count }, (_, i) => line(i + 1));

/** Each task takes two polls; a `fail` prompt fails (charged) at Vidu. */
const scenarioFor = (batchLines: BatchLine[]): Partial<Scenario> => ({
  batchLines,
  script: ({ request }) =>
    request?.prompt === 'fail' ? { state: 'failed', errCode: 'AuditFailed', polls: 1 } : { state: 'success', polls: 2 },
});

async function batch<T>(
  scenario: Partial<Scenario>,
  input: Omit<BatchInput, 'source'>,
  drive: (handle: WorkflowHandleWithFirstExecutionRunId, vidu: StubVidu) => Promise<T>,
): Promise<T> {
  const vidu = new StubVidu(scenario);
  const workflowId = `batch-fast-${randomUUID()}`;
  fast.route(workflowId, vidu.activities());
  const wallStarted = Date.now();
  const handle = await fast.env.client.workflow.start('batch', {
    taskQueue: fast.taskQueue,
    workflowId,
    args: [{ source: { path: '/stub/lines.jsonl' }, ...input }],
  });
  try {
    return await drive(handle, vidu);
  } finally {
    const latest = fast.env.client.workflow.getHandle(handle.workflowId);
    process.stderr.write(
      `[time-skipping]   ${expect.getState().currentTestName}: ${await workflowTime(latest)} (last run) in ${secondsSince(wallStarted)} s\n`,
    );
  }
}

/** The line numbers the batch wrote results for, in order. */
const resultLines = (vidu: StubVidu, workflowId: string) =>
  (vidu.batchResults.get(workflowId) ?? []).map((r) => r.line).sort((a, b) => a - b);

describe('the window', () => {
  it('never more than `window` children at once, and exactly that many while lines remain', async () => {
    await batch(scenarioFor(lines(7)), { window: 3 }, async (handle, vidu) => {
      const summary = (await handle.result()) as BatchSummary;
      expect(summary).toMatchObject({
        total: 7,
        succeeded: 7,
        failed: 0,
        credits: 70,
        runs: 1,
        maxInFlight: 3,
        failures: [],
      });
      expect(resultLines(vidu, handle.workflowId)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      // Each line ran as its own child under `<batch>~<line>`, exactly once.
      const children = new Set(vidu.callsOf('submitWhenAdmitted').map((c) => c.workflowId));
      expect([...children].sort()).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => `${handle.workflowId}~${n}`).sort());
      expect(vidu.callsOf('submitWhenAdmitted')).toHaveLength(7);
      // Seen from Vidu's side too: never more than 3 tasks open at once.
      expect(vidu.maxOpenTasks).toBe(3);
      const status = await handle.query(batchStatusQuery);
      expect(status).toMatchObject({ phase: 'done', done: 7, inFlight: 0, maxInFlight: 3 });
    });
  });
});

describe('continue-as-new', () => {
  it('every `linesPerRun` lines the run drains and continues as new with the cursor and the totals', async () => {
    await batch(scenarioFor(lines(7)), { window: 2, linesPerRun: 3 }, async (handle, vidu) => {
      const summary = (await handle.result()) as BatchSummary;
      expect(summary).toMatchObject({ total: 7, succeeded: 7, failed: 0, credits: 70, runs: 3, maxInFlight: 2 });
      // Each run read from where the previous one stopped: lines 1–3, 4–6, 7.
      expect(vidu.callsOf('readBatchLines').map((c) => (c.input as { line: number }).line)).toEqual([1, 4, 7]);
      expect(resultLines(vidu, handle.workflowId)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      const first = await fast.env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe();
      expect(first.status.name).toBe('CONTINUED_AS_NEW');
      const parts = vidu.callsOf('recordBatchResults').map((c) => (c.input as { part: number }).part);
      expect(parts).toEqual([0, 1, 2]);
      expect(vidu.callsOf('finishBatchResults').map((c) => c.input)).toEqual([
        { workflowId: handle.workflowId, parts: 3 },
      ]);
    });
  });
});

describe('failures', () => {
  it('an invalid line and a failed generation are lines of the results; the batch succeeds', async () => {
    await batch(scenarioFor([line(1), invalid(2), line(3, 'fail'), line(4)]), { window: 4 }, async (handle, vidu) => {
      const summary = (await handle.result()) as BatchSummary;
      expect(summary).toMatchObject({ total: 4, succeeded: 2, failed: 2 });
      expect(summary.failures.map((f) => [f.line, f.type])).toEqual([
        [2, 'InvalidLine'],
        [3, FailureType.ViduTaskFailed],
      ]);
      // The stub reports the failed task's credits unrefunded (real Vidu refunds a failed task,
      // docs/vidu-pricing.md): whatever a task reports is summed, so 3 tasks × 10 credits.
      expect(summary.credits).toBe(30);
      const results = vidu.batchResults.get(handle.workflowId) ?? [];
      expect(results.find((r) => r.line === 2)).toMatchObject({ state: 'failed', error: { type: 'InvalidLine' } });
      expect(results.find((r) => r.line === 2)?.workflowId).toBeUndefined();
      expect(results.find((r) => r.line === 3)).toMatchObject({
        state: 'failed',
        workflowId: `${handle.workflowId}~3`,
        credits: 10,
      });
      // Nothing was started for the invalid line.
      expect(vidu.callsOf('stageInputs').map((c) => c.workflowId)).not.toContain(`${handle.workflowId}~2`);
    });
  });

  it('a window outside 1–200 is refused as InvalidRequest before any line is read', async () => {
    await batch(scenarioFor(lines(2)), { window: 0 }, async (handle, vidu) => {
      const cause = await failureOf(handle);
      expect((cause as ApplicationFailure).type).toBe(FailureType.InvalidRequest);
      expect((cause as ApplicationFailure).message).toMatch(/window: must be a whole number 1–200 \(got 0\)/);
      expect(vidu.callsOf('readBatchLines')).toHaveLength(0);
    });
  });

  it('cancelling the batch cancels its children at Vidu; the lines in flight end as Cancelled results', async () => {
    const scenario = {
      ...scenarioFor(lines(4)),
      callbacks: true,
      script: () => ({ state: 'success' as const, polls: 'never' as const }),
    };
    await batch(scenario, { window: 2 }, async (handle, vidu) => {
      for (let i = 0; i < 200 && vidu.tasks.size < 2; i += 1) await new Promise((r) => setTimeout(r, 50));
      expect(vidu.tasks.size).toBe(2);
      await handle.cancel();
      const cause = await failureOf(handle);
      expect(cause).toBeInstanceOf(CancelledFailure);
      expect(vidu.callsOf('cancelTask')).toHaveLength(2);
      const results = vidu.batchResults.get(handle.workflowId) ?? [];
      const inFlight = [...results].sort((a, b) => a.line - b.line).map((r) => [r.line, r.state, r.error?.type]);
      expect(inFlight).toEqual([
        [1, 'failed', 'Cancelled'],
        [2, 'failed', 'Cancelled'],
      ]);
      expect(vidu.callsOf('submitWhenAdmitted')).toHaveLength(2);
      expect((await handle.query(batchStatusQuery)).phase).toBe('cancelled');
    });
  });
});
