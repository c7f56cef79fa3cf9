import { CancellationScope, isCancellation } from '@temporalio/workflow';
import { describeBatchFailure } from '../../core/batch-summary';
import type { BatchSummary } from '../../core/batch-types';
import { batchFiles } from '../common/activity-proxies';
import { unwrapTyped } from '../common/typed-failure';
import { describe, type BatchRun } from './state';

/** Finish: joins the result parts into the results file; the summary, or the failure that stopped the batch. */
export async function finish(run: BatchRun, failure: unknown): Promise<BatchSummary> {
  const { carry, totals, workflowId } = run;
  run.phase = 'finishing';
  describe(run);
  const finished = await CancellationScope.nonCancellable(() =>
    batchFiles.finishBatchResults.executeWithOptions({ summary: `join ${carry.parts} results part(s)` }, [
      { workflowId, parts: carry.parts },
    ]),
  );
  run.resultsFile = finished.resultsFile;
  if (failure !== undefined) {
    run.phase = isCancellation(failure) ? 'cancelled' : 'failed';
    run.error = describeBatchFailure(failure).message;
    describe(run);
    throw isCancellation(failure) ? failure : unwrapTyped(failure);
  }
  run.phase = 'done';
  describe(run);
  return {
    workflowId,
    total: carry.total ?? totals.done,
    succeeded: totals.succeeded,
    failed: totals.failed,
    credits: totals.credits,
    resultsFile: finished.resultsFile,
    failures: totals.failures,
    runs: carry.runs + 1,
    maxInFlight: carry.maxInFlight,
  };
}
