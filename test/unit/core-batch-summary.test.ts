import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  RetryState,
  TerminatedFailure,
  TimeoutFailure,
  WorkflowExecutionAlreadyStartedError,
} from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatchActivities } from '../../activities/batch';
import { LocalArchiveStore } from '../../platform/stores/local-archive-store';
import { batchStatusLine, formatBatchSummary } from '../../cli/batch';
import {
  describeBatchFailure,
  emptyTotals,
  failureCredits,
  foldResult,
  MAX_ERROR_MESSAGE,
} from '../../core/batch-summary';
import type { BatchLineResult, BatchSummary } from '../../core/batch-types';

const ok = (line: number, credits = 50): BatchLineResult => ({
  line,
  kind: 'img2video',
  workflowId: `b--${line}`,
  state: 'success',
  taskId: `t${line}`,
  credits,
});
const bad = (line: number, type = 'ViduTaskFailed'): BatchLineResult => ({
  line,
  kind: 'img2video',
  state: 'failed',
  error: { type, message: `line ${line} failed` },
});

describe('folding line results', () => {
  it('counts done, succeeded and failed, and sums the credits charged', () => {
    const totals = emptyTotals();
    for (const r of [
      ok(1),
      bad(2),
      ok(3, 80),
      bad(4, 'InvalidLine'),
      { ...ok(5), credits: undefined },
      { ...bad(6), credits: 40 },
    ])
      foldResult(totals, r);
    expect(totals).toMatchObject({ done: 6, succeeded: 3, failed: 3, credits: 170 });
    expect(totals.failures).toEqual([
      { line: 2, type: 'ViduTaskFailed', message: 'line 2 failed' },
      { line: 4, type: 'InvalidLine', message: 'line 4 failed' },
      { line: 6, type: 'ViduTaskFailed', message: 'line 6 failed' },
    ]);
  });

  it('keeps the failures with the lowest line numbers, whatever order they finish in', () => {
    const lines = Array.from({ length: 300 }, (_, i) => i + 1);
    // A deterministic shuffle.
    const shuffled = [...lines].sort((a, b) => ((a * 7919) % 301) - ((b * 7919) % 301));
    const totals = emptyTotals();
    for (const line of shuffled) foldResult(totals, bad(line));
    expect(totals.failed).toBe(300);
    expect(totals.failures.map((f) => f.line)).toEqual(lines.slice(0, 100));
    const small = emptyTotals();
    for (const line of [9, 3, 7, 1, 5]) foldResult(small, bad(line), 3);
    expect(small.failures.map((f) => f.line)).toEqual([1, 3, 5]);
  });
});

describe('describeBatchFailure', () => {
  it('names the innermost cause through child, activity and workflow wrappers', () => {
    const app = ApplicationFailure.create({
      type: 'ViduTaskFailed',
      message: 'Vidu task 1 failed with err_code X',
      nonRetryable: true,
    });
    const child = new ChildWorkflowFailure(
      'default',
      { workflowId: 'b--1', runId: 'r' },
      'img2video',
      RetryState.NON_RETRYABLE_FAILURE,
      app,
    );
    expect(describeBatchFailure(child)).toEqual({
      type: 'ViduTaskFailed',
      message: 'Vidu task 1 failed with err_code X',
    });
    const charged = ApplicationFailure.create({
      type: 'ViduTaskFailed',
      message: 'failed',
      details: [{ taskId: '1', errCode: 'X', credits: 50 }],
    });
    expect(
      failureCredits(
        new ChildWorkflowFailure(
          'default',
          { workflowId: 'b--1', runId: 'r' },
          'img2video',
          RetryState.NON_RETRYABLE_FAILURE,
          charged,
        ),
      ),
    ).toBe(50);
    expect(failureCredits(child)).toBeUndefined();
    expect(failureCredits(new CancelledFailure('x'))).toBeUndefined();
    const act = new ActivityFailure(
      'failed',
      'stageInputs',
      '1',
      RetryState.NON_RETRYABLE_FAILURE,
      'w',
      ApplicationFailure.create({ type: 'InvalidRequest', message: 'images[0]: not found' }),
    );
    expect(describeBatchFailure(new WorkflowFailedError('failed', act, RetryState.NON_RETRYABLE_FAILURE))).toEqual({
      type: 'InvalidRequest',
      message: 'images[0]: not found',
    });
    expect(
      describeBatchFailure(
        new ChildWorkflowFailure(
          'd',
          { workflowId: 'x', runId: 'r' },
          'img2video',
          RetryState.RETRY_POLICY_NOT_SET,
          new CancelledFailure('Workflow cancelled'),
        ),
      ).type,
    ).toBe('Cancelled');
    expect(describeBatchFailure(new TerminatedFailure('bye')).type).toBe('Terminated');
    expect(describeBatchFailure(new TimeoutFailure('late', undefined, 'START_TO_CLOSE')).type).toBe('TimedOut');
    expect(describeBatchFailure(new WorkflowExecutionAlreadyStartedError('exists', 'b--1', 'img2video')).type).toBe(
      'AlreadyStarted',
    );
    expect(describeBatchFailure(new TypeError('boom'))).toEqual({ type: 'TypeError', message: 'boom' });
    expect(describeBatchFailure('plain')).toEqual({ type: 'Error', message: 'plain' });
    expect(describeBatchFailure(ApplicationFailure.create({ message: 'x'.repeat(5000) })).message.length).toBe(
      MAX_ERROR_MESSAGE,
    );
  });
});

describe('results parts and the results file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vidu-batch-results-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('joins the parts in line order, removes them, and is idempotent', async () => {
    const archive = new LocalArchiveStore(dir);
    const { recordBatchResults, finishBatchResults } = makeBatchActivities({ archive });
    await recordBatchResults({ workflowId: 'batch-1', part: 0, results: [ok(3), bad(1)] });
    await recordBatchResults({ workflowId: 'batch-1', part: 1, results: [ok(2)] });
    // A retried part rewrites the same file, adding nothing.
    await recordBatchResults({ workflowId: 'batch-1', part: 1, results: [ok(2), ok(4)] });
    const done = await finishBatchResults({ workflowId: 'batch-1', parts: 2 });
    expect(done).toEqual({ resultsFile: path.join(dir, 'batch-1', 'batch-results.jsonl'), lines: 4 });
    const rows = (await readFile(done.resultsFile, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as BatchLineResult);
    expect(rows.map((r) => [r.line, r.state])).toEqual([
      [1, 'failed'],
      [2, 'success'],
      [3, 'success'],
      [4, 'success'],
    ]);
    expect(await readdir(path.join(dir, 'batch-1'))).toEqual(['batch-results.jsonl']);
    // A retry after the parts were removed answers with the joined file.
    expect((await finishBatchResults({ workflowId: 'batch-1', parts: 2 })).resultsFile).toBe(done.resultsFile);
    // An empty batch still gets its (empty) results file.
    const empty = await finishBatchResults({ workflowId: 'batch-2', parts: 0 });
    expect(await readFile(empty.resultsFile, 'utf8')).toBe('');
  });
});

describe('CLI wording', () => {
  it('prints progress and the summary', () => {
    expect(
      batchStatusLine({
        phase: 'running',
        total: 200,
        done: 40,
        succeeded: 37,
        failed: 3,
        inFlight: 20,
        nextLine: 61,
        credits: 0,
        window: 20,
        maxInFlight: 20,
        run: 1,
      }),
    ).toBe('running · done 40/200 · failed 3 · in flight 20 · next line 61');
    const summary: BatchSummary = {
      workflowId: 'batch-1',
      total: 3,
      succeeded: 1,
      failed: 2,
      credits: 50,
      resultsFile: '/a/batch-results.jsonl',
      failures: [
        { line: 2, type: 'InvalidLine', message: 'prompt: too long' },
        { line: 3, type: 'ViduTaskFailed', message: 'err_code X\nmore' },
      ],
      runs: 1,
      maxInFlight: 1,
    };
    expect(formatBatchSummary(summary)).toBe(
      '✗ batch-1: 1 of 3 line(s) succeeded · 2 failed · 50 credits · 1 run(s)\nresults: /a/batch-results.jsonl\nfailures:\n  line 2  InvalidLine: prompt: too long\n  line 3  ViduTaskFailed: err_code X more',
    );
  });
});
