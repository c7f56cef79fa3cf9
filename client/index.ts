import { Client, Connection, WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import { checkAdFilmInput } from '../contract/ad-film-input';
import { checkGenerationInput } from '../contract/generation-input';
import type { AdFilmInput } from '../workflows/ad-film-types';
import { AdFilmHandle } from './ad-film';
import { RunHandle } from './run-handle';
import { BatchHandle, startBatchWorkflow, type BatchStartOptions } from './batch';
import { statusQuery } from '../workflows/messages';
import { ViduKind, ViduModel, ViduOffPeak } from '../workflows/search-attributes';
import type { GenerationInput, GenerationKind, GenerationResult, GenerationStatus } from '../workflows/types';
import { InvalidGenerationInput } from './errors';
import { workflowIdFor } from './workflow-ids';
import { deferredStart } from './time-spec';

export * from '../workflows/types';
export * from '../workflows/ad-film-types';
export { AdFilmHandle } from './ad-film';
export * from '../workflows/batch-types';
export { BatchHandle, type BatchStartOptions } from './batch';
export { FailureType } from '../workflows/failures';
export { InvalidGenerationInput } from './errors';
export { InvalidTimeSpec, parseNotBefore } from './time-spec';
export * from './schedules';

export interface ViduFlowClientOptions {
  /** An existing Temporal client; otherwise one is connected to `address`. */
  client?: Client;
  address?: string;
  namespace?: string;
  taskQueue?: string;
}

export interface StartOptions {
  /** Explicit workflow id; wins over `idempotencyKey`. */
  workflowId?: string;
  /** Same key ⇒ same workflow ⇒ at most one Vidu task. */
  idempotencyKey?: string;
  /**
   * Deferred start: nothing runs (no staging, no Vidu submission) before this time. Becomes
   * Temporal's `startDelay`, computed when start() is called; a time already past starts at once.
   * The workflow exists (and is listed) meanwhile. Per Temporal's API a signal ends the delay
   * early; the only signal vidu-flow expects, a Vidu callback, cannot arrive before submission
   * (the callback URL is sent with it). Ignored when the workflow id already exists.
   */
  notBefore?: Date;
}

/** A typed client for other TypeScript services: start any kind, follow it, cancel it. */
export class ViduFlowClient {
  readonly temporal: Client;
  readonly taskQueue: string;

  private constructor(temporal: Client, taskQueue: string) {
    this.temporal = temporal;
    this.taskQueue = taskQueue;
  }

  static async connect(opts: ViduFlowClientOptions = {}): Promise<ViduFlowClient> {
    const taskQueue = opts.taskQueue ?? process.env.VIDU_TASK_QUEUE ?? 'vidu-flow';
    if (opts.client) return new ViduFlowClient(opts.client, taskQueue);
    const connection = await Connection.connect({ address: opts.address ?? process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' });
    const client = new Client({ connection, namespace: opts.namespace ?? process.env.TEMPORAL_NAMESPACE ?? 'default' });
    return new ViduFlowClient(client, taskQueue);
  }

  /**
   * Validates the input (throws InvalidGenerationInput listing every problem), then starts the
   * workflow. With an idempotency key, a repeated start returns the existing generation.
   */
  async start(kind: GenerationKind, input: GenerationInput, opts: StartOptions = {}): Promise<GenerationHandle> {
    const issues = checkGenerationInput(kind, input);
    if (issues.length > 0) throw new InvalidGenerationInput(issues);
    const idempotencyKey = opts.idempotencyKey ?? input.options?.idempotencyKey;
    const workflowId = opts.workflowId ?? workflowIdFor(kind, idempotencyKey);
    const request = input.request as Record<string, unknown>;
    const model = typeof request.model === 'string' ? request.model : undefined;
    const offPeak = request.off_peak === true || request.off_peak === 'true';
    try {
      const handle = await this.temporal.workflow.start(kind, {
        taskQueue: this.taskQueue,
        workflowId,
        args: [{ ...input, options: { ...input.options, ...(idempotencyKey ? { idempotencyKey } : {}) } }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: idempotencyKey ? 'REJECT_DUPLICATE' : 'ALLOW_DUPLICATE_FAILED_ONLY',
        ...deferredStart(opts.notBefore),
        staticSummary: summarize(kind, request),
        typedSearchAttributes: [
          { key: ViduKind, value: kind },
          { key: ViduOffPeak, value: offPeak },
          ...(model ? [{ key: ViduModel, value: model }] : []),
        ],
      });
      return new GenerationHandle(handle);
    } catch (err) {
      // The key's workflow already ran to completion: hand back that one, never start another.
      if (err instanceof WorkflowExecutionAlreadyStartedError) return this.getHandle(workflowId);
      throw err;
    }
  }

  /** Validates and starts an AD film (workflow `adFilm`). */
  async startAdFilm(input: AdFilmInput, opts: StartOptions = {}): Promise<AdFilmHandle> {
    const issues = checkAdFilmInput(input);
    if (issues.length > 0) throw new InvalidGenerationInput(issues);
    const idempotencyKey = opts.idempotencyKey ?? input.options?.idempotencyKey;
    const workflowId = opts.workflowId ?? workflowIdFor('adFilm', idempotencyKey);
    const prompt = typeof input.request.prompt === 'string' ? ` · “${input.request.prompt.slice(0, 80)}”` : '';
    try {
      await this.temporal.workflow.start('adFilm', {
        taskQueue: this.taskQueue,
        workflowId,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: idempotencyKey ? 'REJECT_DUPLICATE' : 'ALLOW_DUPLICATE_FAILED_ONLY',
        ...deferredStart(opts.notBefore),
        staticSummary: summarizeBytes(`AD film · ${input.edits?.length ?? 0} edit(s)${input.options?.review ? ' · review' : ''}${prompt}`),
        typedSearchAttributes: [{ key: ViduKind, value: 'adFilm' }],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    return this.getAdFilmHandle(workflowId);
  }

  /**
   * Starts a batch (workflow `batch`) over a JSONL file of `{ kind, request, options }` lines:
   * one child generation per line, `window` at a time. The worker reads the file, so give a path
   * it can read; relative media paths inside are relative to the file's folder.
   */
  startBatch(file: string, opts: BatchStartOptions = {}): Promise<BatchHandle> {
    return startBatchWorkflow(this.temporal, this.taskQueue, file, opts);
  }

  getBatchHandle(workflowId: string): BatchHandle {
    return new BatchHandle(this.temporal.workflow.getHandle(workflowId));
  }

  getAdFilmHandle(workflowId: string): AdFilmHandle {
    return new AdFilmHandle(this.temporal.workflow.getHandle(workflowId));
  }

  getHandle(workflowId: string): GenerationHandle {
    return new GenerationHandle(this.temporal.workflow.getHandle(workflowId));
  }

  /** Recent vidu-flow generations, newest first, from Temporal visibility. */
  async *list(opts: { kind?: GenerationKind; limit?: number } = {}): AsyncIterable<{ workflowId: string; type: string; status: string; startTime: Date; viduState?: string; taskId?: string }> {
    const query = opts.kind ? `WorkflowType = '${opts.kind}'` : `ViduKind IS NOT NULL OR WorkflowType IN ('img2video','reference2video','reference2image','image2dance','adFilm')`;
    let n = 0;
    for await (const wf of this.temporal.workflow.list({ query })) {
      if (opts.limit !== undefined && n++ >= opts.limit) return;
      const state = wf.searchAttributes?.ViduState?.[0];
      const taskId = wf.searchAttributes?.ViduTaskId?.[0];
      yield {
        workflowId: wf.workflowId,
        type: wf.type,
        status: wf.status.name,
        startTime: wf.startTime,
        ...(typeof state === 'string' ? { viduState: state } : {}),
        ...(typeof taskId === 'string' ? { taskId } : {}),
      };
    }
  }
}

export class GenerationHandle extends RunHandle<GenerationStatus, GenerationResult> {
  constructor(workflow: WorkflowHandle) {
    super(workflow, statusQuery);
  }
}

function summarize(kind: string, request: Record<string, unknown>): string {
  const parts = [kind, request.model, request.duration ? `${request.duration}s` : undefined, request.resolution, request.off_peak === true ? 'off-peak' : undefined]
    .filter((p) => p !== undefined && p !== '')
    .map(String);
  const prompt = typeof request.prompt === 'string' && request.prompt ? ` · “${request.prompt.slice(0, 80)}”` : '';
  return summarizeBytes(parts.join(' · ') + prompt);
}

/** staticSummary is limited to 200 bytes; cut on a character boundary. */
function summarizeBytes(text: string): string {
  return Buffer.from(text).subarray(0, 200).toString('utf8').replace(/\uFFFD+$/, '');
}
