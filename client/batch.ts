import { type Client, WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import path from 'node:path';
import { checkBatchInput } from '../contract/batch-input';
import type { BatchInput, BatchStatus, BatchSummary } from '../core/batch-types';
import { batchStatusQuery } from '../core/workflow-messages';
import { ViduKind } from '../core/search-attributes';
import type { GenerationOptions } from '../core/generation-types';
import { InvalidGenerationInput } from './errors';
import { RunHandle } from './run-handle';
import { deferredStart } from './time-spec';
import { workflowIdFor, workflowIdIssues } from './workflow-ids';

export interface BatchStartOptions {
  /** Generations in flight at once (default 20, 1–200). */
  window?: number;
  /** Defaults merged under each line's options (`priority` defaults to `batch`). */
  options?: GenerationOptions;
  /** Lines per workflow run before continue-as-new (default 500). */
  linesPerRun?: number;
  /** Explicit workflow id; wins over `idempotencyKey`. */
  workflowId?: string;
  /** Same key ⇒ same batch workflow ⇒ each line runs at most once. */
  idempotencyKey?: string;
  /** Start no earlier than this (Temporal start delay; see README "Deferred and recurring starts"). */
  notBefore?: Date;
  /** Extra search attributes (e.g. `ViduCaller`); ignored when the workflow id already exists. */
  searchAttributes?: SearchAttributePair[];
  /** Memo of the new workflow; ignored when the workflow id already exists. */
  memo?: Record<string, unknown>;
}

/**
 * Starts workflow `batch` over a JSONL file. `file` is made absolute here; the worker reads it
 * (and the media paths inside it, relative to the file's folder), so it must be on a disk the
 * worker sees. Or `{ staged }`: JSONL in the staging store (the HTTP API stages a caller's lines
 * under its key; the worker reads them only for a batch of that key). Throws
 * InvalidGenerationInput for a bad window or bad options.
 */
export async function startBatchWorkflow(temporal: Client, taskQueue: string, file: string | { staged: string }, opts: BatchStartOptions = {}): Promise<BatchHandle> {
  const input: BatchInput = {
    source: typeof file === 'string' ? { path: path.resolve(file) } : { staged: file.staged },
    ...(opts.window !== undefined ? { window: opts.window } : {}),
    ...(opts.options !== undefined ? { options: opts.options } : {}),
    ...(opts.linesPerRun !== undefined ? { linesPerRun: opts.linesPerRun } : {}),
  };
  const workflowId = opts.workflowId ?? workflowIdFor('batch', opts.idempotencyKey);
  // The id becomes the results folder (and the prefix of every child's id): path-safe only.
  const issues = [...checkBatchInput(input), ...workflowIdIssues(workflowId)];
  if (issues.length > 0) throw new InvalidGenerationInput(issues);
  try {
    await temporal.workflow.start('batch', {
      taskQueue,
      workflowId,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: opts.idempotencyKey ? 'REJECT_DUPLICATE' : 'ALLOW_DUPLICATE_FAILED_ONLY',
      staticSummary: Buffer.from(`batch · ${input.source.path ? path.basename(input.source.path) : 'lines of the request'} · window ${input.window ?? 20}`).subarray(0, 200).toString('utf8').replace(/\uFFFD+$/, ''),
      typedSearchAttributes: [{ key: ViduKind, value: 'batch' }, ...(opts.searchAttributes ?? [])],
      ...(opts.memo ? { memo: opts.memo } : {}),
      ...deferredStart(opts.notBefore),
    });
  } catch (err) {
    // The key's batch already ran to completion: hand back that one.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return new BatchHandle(temporal.workflow.getHandle(workflowId));
}

/** A running (or finished) batch. */
/** A running batch: progress (done, failed, in flight), the summary, cancel. */
export class BatchHandle extends RunHandle<BatchStatus, BatchSummary> {
  constructor(workflow: WorkflowHandle) {
    super(workflow, batchStatusQuery);
  }
}
