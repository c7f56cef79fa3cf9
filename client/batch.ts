import type { Client, WorkflowHandle } from '@temporalio/client';
import path from 'node:path';
import { checkBatchInput } from '../contract/batch-input';
import type { BatchInput, BatchStatus, BatchSummary } from '../core/batch-types';
import { batchStatusQuery } from '../core/workflow-messages';
import type { GenerationOptions } from '../core/generation-types';
import { InvalidGenerationInput } from './errors';
import { RunHandle } from './run-handle';
import { startIdempotently, startWorkflowId, type StartOptions } from './idempotent-start';

export interface BatchStartOptions extends StartOptions {
  /** Generations in flight at once (default 20, 1–200). */
  window?: number;
  /** Defaults merged under each line's options (`priority` defaults to `batch`). */
  options?: GenerationOptions;
  /** Lines per workflow run before continue-as-new (default 500). */
  linesPerRun?: number;
}

/**
 * Starts workflow `batch` over a JSONL file. `file` is made absolute here; the worker reads it
 * (and the media paths inside it, relative to the file's folder), so it must be on a disk the
 * worker sees. Or `{ staged }`: JSONL in the staging store (the HTTP API stages a caller's lines
 * under its key; the worker reads them only for a batch of that key). Throws
 * InvalidGenerationInput for a bad window or bad options.
 */
export async function startBatchWorkflow(
  temporal: Client,
  taskQueue: string,
  file: string | { staged: string },
  opts: BatchStartOptions = {},
): Promise<BatchHandle> {
  const input: BatchInput = {
    source: typeof file === 'string' ? { path: path.resolve(file) } : { staged: file.staged },
    ...(opts.window !== undefined ? { window: opts.window } : {}),
    ...(opts.options !== undefined ? { options: opts.options } : {}),
    ...(opts.linesPerRun !== undefined ? { linesPerRun: opts.linesPerRun } : {}),
  };
  const { workflowId, issues: idIssues } = startWorkflowId('batch', opts, opts.idempotencyKey);
  const issues = [...checkBatchInput(input), ...idIssues];
  if (issues.length > 0) throw new InvalidGenerationInput(issues);
  const summary = `batch · ${input.source.path ? path.basename(input.source.path) : 'lines of the request'} · window ${input.window ?? 20}`;
  const priorityClass = input.options?.priority ?? 'batch';
  const handle = await startIdempotently(
    temporal,
    {
      workflowType: 'batch',
      workflowId,
      keyed: Boolean(opts.idempotencyKey),
      taskQueue,
      args: [input],
      summary,
      priorityClass,
    },
    opts,
  );
  return new BatchHandle(handle);
}

/** A running batch: progress (done, failed, in flight), the summary, cancel. */
export class BatchHandle extends RunHandle<BatchStatus, BatchSummary> {
  constructor(workflow: WorkflowHandle) {
    super(workflow, batchStatusQuery);
  }
}
