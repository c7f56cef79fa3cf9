import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ActivityFailure, ApplicationFailure, log, startChild } from '@temporalio/workflow';
import { derivedWorkflowId } from '../../contract/workflow-id';
import { describeBatchFailure, failureCredits } from '../../core/batch-summary';
import { BATCH_CHILD_ID_TAKEN, type BatchLineResult, type ValidBatchLine } from '../../core/batch-types';
import type { GenerationInput, GenerationResult } from '../../core/generation-types';
import { PRIORITY_KEYS } from '../../core/fair-share';
import { ViduKind } from '../../core/search-attributes';
import { awaitingChild } from '../common/activity-proxies';
import { CHILD_ID_ATTEMPTS } from '../common/derived-child';
import { record, type BatchRun } from './state';

/** A short Web UI summary of a child (staticSummary is limited to 200 bytes: 40 code points of prompt). */
function childSummary(line: ValidBatchLine, batchId: string): string {
  const prompt = line.input.request.prompt;
  const text = typeof prompt === 'string' && prompt !== '' ? ` · “${[...prompt].slice(0, 40).join('')}”` : '';
  return `${line.kind} · line ${line.line} of batch ${[...batchId].slice(0, 60).join('')}${text}`;
}

/** Starts a line's generation; its result is recorded when it ends (the window frees a place then). */
export function launch(run: BatchRun, line: ValidBatchLine): void {
  run.inFlight += 1;
  run.carry.maxInFlight = Math.max(run.carry.maxInFlight, run.inFlight);
  void runChild(run.workflowId, line).then((result) => {
    run.inFlight -= 1;
    record(run, result);
  });
}

/** Runs one line's generation as a child; never throws (a failure is the line's result). */
async function runChild(workflowId: string, line: ValidBatchLine): Promise<BatchLineResult> {
  let childId = derivedWorkflowId(workflowId, String(line.line));
  const base = () => ({ line: line.line, kind: line.kind, workflowId: childId });
  try {
    for (let attempt = 1; attempt <= CHILD_ID_ATTEMPTS; attempt += 1) {
      childId = derivedWorkflowId(workflowId, String(line.line), attempt);
      let result: GenerationResult;
      try {
        const child = await startChild<(input: GenerationInput) => Promise<GenerationResult>>(line.kind, {
          workflowId: childId,
          args: [line.input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          // Cancelling or terminating the batch asks each running generation to cancel its Vidu task.
          parentClosePolicy: 'REQUEST_CANCEL',
          staticSummary: childSummary(line, workflowId),
          typedSearchAttributes: [{ key: ViduKind, value: line.kind }],
          // The line's class orders the worker's backlog (issue 19 §4); the fairness key (the
          // batch's caller) is left empty, so it is inherited from the batch.
          priority: { priorityKey: PRIORITY_KEYS[line.input.options?.priority ?? 'batch'] },
        });
        result = await child.result();
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        try {
          // Ours from an earlier run (same batch id, same kind): its outcome is the line's.
          const found = await awaitingChild.awaitBatchChild.executeWithOptions(
            { summary: `outcome of existing child ${childId}` },
            [{ workflowId: childId, parentId: workflowId, kind: line.kind }],
          );
          return { ...base(), ...found };
        } catch (awaitErr) {
          if (!(
            awaitErr instanceof ActivityFailure &&
            awaitErr.cause instanceof ApplicationFailure &&
            awaitErr.cause.type === BATCH_CHILD_ID_TAKEN
          ))
            throw awaitErr;
          log.warn('batch child id taken by a workflow this batch did not start; trying a fresh id', {
            workflowId: childId,
            line: line.line,
          });
          continue;
        }
      }
      return {
        ...base(),
        state: 'success',
        taskId: result.taskId,
        credits: result.credits,
        ...(result.archive ? { archive: result.archive.manifest } : {}),
      };
    }
    return {
      ...base(),
      state: 'failed',
      error: {
        type: BATCH_CHILD_ID_TAKEN,
        message: `not started: the child workflow ids of line ${line.line} are all taken by workflows this batch did not start`,
      },
    };
  } catch (err) {
    const credits = failureCredits(err);
    return { ...base(), state: 'failed', ...(credits ? { credits } : {}), error: describeBatchFailure(err) };
  }
}
