import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { checkAdFilmInput } from '../contract/ad-film-input';
import { checkGenerationInput } from '../contract/generation-input';
import type { AdFilmInput } from '../core/ad-film-types';
import { AD_FILM, MUSIC_VIDEO, type FilmKind } from '../core/film-kinds';
import { AdFilmHandle, MusicVideoHandle } from './ad-film';
import { checkMusicVideoInput } from '../contract/music-video-input';
import type { MusicVideoInput } from '../core/music-video-types';
import { deferredGenerationStatus, RunHandle } from './run-handle';
import { BatchHandle, startBatchWorkflow, type BatchStartOptions } from './batch';
import { statusQuery } from '../core/workflow-messages';
import { ViduModel, ViduOffPeak } from '../core/search-attributes';
import type { GenerationInput, GenerationKind, GenerationResult, GenerationStatus } from '../core/generation-types';
import { InvalidGenerationInput } from './errors';
import { ownerOfStart, stageCallerInputs } from './input-staging';
import { payloadSizeIssues } from './payload-size';
import { StagingStore, type InputStaging } from '../platform/stores/staging-store';
import { openInputStaging } from '../platform/stores/open-stores';
import { presignedLinks, type DownloadLink, type LinkOptions } from '../platform/downloads/links';
import type { MediaEndpoint } from '../contract/media-fields';
import { GENERATION_KINDS } from '../vidu/endpoints';
import { startIdempotently, startWorkflowId, type StartOptions } from './idempotent-start';
import { loadTemporalConnection } from '../platform/temporal/connection';
import { loadModelsFile } from '../platform/config/models-file';
import { MODELS_FILE_ENV } from '../vidu/models-file';
import { isTrueLike } from '../vidu/schemas/common';
import { taskQueueFromEnv } from '../platform/temporal/task-queue';
import { clientTracingOptions } from './tracing';
import {
  estimateAdFilmInput,
  estimateGeneration,
  estimateMusicVideoInput,
  type Estimate,
  type EstimateTotal,
} from './estimate';
import { priceSourceFromEnv, type PriceSource } from '../platform/prices/prices-file';
import { SubjectLibrary, temporalRunner } from './subjects';

export * from '../core/generation-types';
export * from '../core/ad-film-types';
export { AdFilmHandle, FilmHandle, MusicVideoHandle } from './ad-film';
export * from '../core/batch-types';
export { BatchHandle, type BatchStartOptions } from './batch';
export type { StartOptions } from './idempotent-start';
export { FailureType } from '../core/failure-types';
export { InvalidGenerationInput } from './errors';
export { describeFailure, type FailureReport } from '../platform/temporal/failure-report';
export { workflowIdIssues } from './workflow-ids';
// Thrown by ViduFlowClient.connect when TEMPORAL_* or the temporal.toml profile is wrong.
export { ConfigError } from '../platform/config/env';
export { InvalidTimeSpec, parseNotBefore } from './time-spec';
export { verifyWebhook, WebhookVerificationError, type WebhookEvent } from '../platform/webhooks/signature';
export * from './schedules';
export type { DownloadLink, LinkOptions } from '../platform/downloads/links';
export {
  SubjectLibrary,
  temporalRunner,
  type SubjectCallOptions,
  type SubjectCreateOptions,
  type SubjectRunner,
} from './subjects';
export type { SubjectPage, SubjectView } from '../core/subject-types';
export { MAX_LINK_SECONDS } from '../platform/stores/s3-links';
export {
  estimateAdFilmInput,
  estimateBatchText,
  estimateGeneration,
  estimateMusicVideoInput,
  type Estimate,
  type EstimateLine,
  type EstimateTotal,
} from './estimate';

export interface ViduFlowClientOptions {
  /**
   * An existing Temporal client; otherwise one is connected the way TEMPORAL_* variables and the
   * temporal.toml profile say (platform/temporal/connection.ts: TLS, mTLS, API key).
   */
  client?: Client;
  /** Wins over TEMPORAL_ADDRESS and the profile's address. */
  address?: string;
  /** Wins over TEMPORAL_NAMESPACE and the profile's namespace. */
  namespace?: string;
  taskQueue?: string;
  /**
   * Where the caller's local files (and large data: URIs) are staged before a start; the worker
   * must see the same store. Default: `stagingDir` when given, else STAGING_URL=s3://… (the
   * bucket the workers read), else STAGING_DIR, else ./data/staging.
   */
  staging?: InputStaging;
  /** Default: STAGING_DIR, else `./data/staging` (the worker's default). */
  stagingDir?: string;
  /**
   * The operator's models file (README "New models without a release"); default VIDU_FLOW_MODELS_FILE.
   * Installed for the whole process: starts are checked with the models and fields it adds.
   */
  modelsFile?: string;
}

/** A typed client for other TypeScript services: start any kind, follow it, cancel it. */
export class ViduFlowClient {
  readonly temporal: Client;
  readonly taskQueue: string;
  readonly staging: InputStaging;

  /** The subject library (client/subjects.ts): create, list, get, update. */
  readonly subjects: SubjectLibrary;

  private constructor(temporal: Client, taskQueue: string, staging: InputStaging) {
    this.temporal = temporal;
    this.taskQueue = taskQueue;
    this.staging = staging;
    this.subjects = new SubjectLibrary(temporalRunner(temporal, taskQueue), staging);
  }

  static async connect(opts: ViduFlowClientOptions = {}): Promise<ViduFlowClient> {
    loadModelsFile(opts.modelsFile !== undefined ? { [MODELS_FILE_ENV]: opts.modelsFile } : process.env);
    const taskQueue = opts.taskQueue ?? taskQueueFromEnv();
    const staging =
      opts.staging ?? (opts.stagingDir ? new StagingStore(opts.stagingDir) : openInputStaging(process.env));
    if (opts.client) return new ViduFlowClient(opts.client, taskQueue, staging);
    const temporal = loadTemporalConnection(process.env, { address: opts.address, namespace: opts.namespace });
    const connection = await Connection.connect(temporal.clientOptions);
    const client = new Client({ connection, namespace: temporal.namespace, ...clientTracingOptions() });
    return new ViduFlowClient(client, taskQueue, staging);
  }

  /**
   * Presigned download links to the s3:// files a completed workflow archived (ARCHIVE_URL=s3://…),
   * signed with this process's AWS credentials; empty for a local archive.
   */
  presignedLinks(workflowId: string, opts: LinkOptions = {}): Promise<DownloadLink[]> {
    return presignedLinks(this.temporal, workflowId, opts);
  }

  /**
   * Stages the caller's local files and large data: URIs of `request` (the worker never reads a
   * path a caller chose), then checks that the whole input fits in a Temporal payload.
   */
  private async prepareInput<T extends { request: Record<string, unknown> }>(
    endpoint: MediaEndpoint,
    input: T,
    opts: StartOptions,
  ): Promise<T> {
    // Staged under the workflow's owner: the calling key when the HTTP API sets ViduCaller.
    const staged = await stageCallerInputs(endpoint, input.request, this.staging, {
      owner: ownerOfStart(opts.searchAttributes),
    });
    if (staged.issues.length > 0) throw new InvalidGenerationInput(staged.issues);
    const prepared = { ...input, request: staged.request };
    const sizeIssues = payloadSizeIssues(prepared);
    if (sizeIssues.length > 0) throw new InvalidGenerationInput(sizeIssues);
    return prepared;
  }

  /**
   * Validates the input (throws InvalidGenerationInput listing every problem), then starts the
   * workflow. With an idempotency key, a repeated start returns the existing generation.
   */
  /**
   * The price before submission, from the registry's table with VIDU_FLOW_PRICES_FILE over it
   * (read from this process's environment; docs/vidu-pricing.md). Starts nothing. A generation
   * gives `{ credits, basis, unpriced? }`; `ad-film` gives the total of create, edits and compose.
   * The worker records its own estimate at staging (status and result `estimatedCredits`), with
   * the inputs read (a source video's length prices upscale and lip-sync).
   */
  estimate(kind: GenerationKind, input: Pick<GenerationInput, 'request'>): Estimate;
  estimate(kind: 'ad-film', input: Pick<AdFilmInput, 'request' | 'edits'>): EstimateTotal;
  /** `music-video`: create (lip sync priced on the longest song: its length is read at staging), edits, compose. */
  estimate(kind: 'music-video', input: Pick<MusicVideoInput, 'request' | 'edits'>): EstimateTotal;
  estimate(
    kind: GenerationKind | 'ad-film' | 'music-video',
    input: Pick<AdFilmInput, 'request' | 'edits'>,
  ): Estimate | EstimateTotal {
    this.prices ??= priceSourceFromEnv();
    const table = this.prices.table();
    if (kind === 'music-video') return estimateMusicVideoInput(input as MusicVideoInput, table);
    return kind === 'ad-film' ? estimateAdFilmInput(input, table) : estimateGeneration(kind, input, table);
  }

  private prices: PriceSource | undefined;

  async start(kind: GenerationKind, input: GenerationInput, opts: StartOptions = {}): Promise<GenerationHandle> {
    const issues = checkGenerationInput(kind, input);
    if (issues.length > 0) throw new InvalidGenerationInput(issues);
    const idempotencyKey = opts.idempotencyKey ?? input.options?.idempotencyKey;
    const { workflowId, issues: idIssues } = startWorkflowId(kind, opts, idempotencyKey);
    if (idIssues.length > 0) throw new InvalidGenerationInput(idIssues);
    const request = input.request as Record<string, unknown>;
    const model = typeof request.model === 'string' ? request.model : undefined;
    const offPeak = isTrueLike(request.off_peak);
    const prepared = await this.prepareInput(
      kind,
      { ...input, options: { ...input.options, ...(idempotencyKey ? { idempotencyKey } : {}) } },
      opts,
    );
    const handle = await startIdempotently(
      this.temporal,
      {
        workflowType: kind,
        workflowId,
        keyed: Boolean(idempotencyKey),
        taskQueue: this.taskQueue,
        args: [prepared],
        summary: summarize(kind, request),
        searchAttributes: [{ key: ViduOffPeak, value: offPeak }, ...(model ? [{ key: ViduModel, value: model }] : [])],
        priorityClass: input.options?.priority ?? 'interactive',
      },
      opts,
    );
    return new GenerationHandle(handle);
  }

  /** Validates and starts an AD film (workflow `adFilm`). */
  async startAdFilm(input: AdFilmInput, opts: StartOptions = {}): Promise<AdFilmHandle> {
    return new AdFilmHandle(await this.startFilm(AD_FILM, checkAdFilmInput(input), input, opts));
  }

  /**
   * Validates and starts a one-click music video (workflow `musicVideo`, the AD film's workflow
   * for one-click/mv): the images and the audio are staged like the AD film's.
   */
  async startMusicVideo(input: MusicVideoInput, opts: StartOptions = {}): Promise<MusicVideoHandle> {
    const lipSync = isTrueLike(input.request.lip_sync);
    return new MusicVideoHandle(
      await this.startFilm(MUSIC_VIDEO, checkMusicVideoInput(input), input, opts, lipSync ? ' · lip sync' : ''),
    );
  }

  /** A film of `kind` (core/film-kinds.ts) whose input check found `issues`: staged and started once per key. */
  private async startFilm(
    kind: FilmKind,
    issues: string[],
    input: AdFilmInput | MusicVideoInput,
    opts: StartOptions,
    summaryExtra = '',
  ): Promise<WorkflowHandle> {
    if (issues.length > 0) throw new InvalidGenerationInput(issues);
    const idempotencyKey = opts.idempotencyKey ?? input.options?.idempotencyKey;
    const { workflowId, issues: idIssues } = startWorkflowId(kind.name, opts, idempotencyKey);
    if (idIssues.length > 0) throw new InvalidGenerationInput(idIssues);
    const prompt = typeof input.request.prompt === 'string' ? ` · “${input.request.prompt.slice(0, 80)}”` : '';
    const prepared = await this.prepareInput(kind.endpoint, input, opts);
    const review = input.options?.review ? ' · review' : '';
    const summary = `${kind.label} · ${input.edits?.length ?? 0} edit(s)${review}${summaryExtra}${prompt}`;
    return startIdempotently(
      this.temporal,
      {
        workflowType: kind.name,
        workflowId,
        keyed: Boolean(idempotencyKey),
        taskQueue: this.taskQueue,
        args: [prepared],
        summary,
        priorityClass: input.options?.priority ?? 'interactive',
      },
      opts,
    );
  }

  getMusicVideoHandle(workflowId: string): MusicVideoHandle {
    return new MusicVideoHandle(this.temporal.workflow.getHandle(workflowId));
  }

  /**
   * Starts a batch (workflow `batch`) over a JSONL file of `{ kind, request, options }` lines:
   * one child generation per line, `window` at a time. The worker reads the file (and the local
   * media it names, relative to its folder), so it must lie under the worker's VIDU_FLOW_INPUT_ROOTS.
   */
  startBatch(file: string | { staged: string }, opts: BatchStartOptions = {}): Promise<BatchHandle> {
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
  async *list(opts: { kind?: GenerationKind; limit?: number } = {}): AsyncIterable<{
    workflowId: string;
    type: string;
    status: string;
    startTime: Date;
    viduState?: string;
    taskId?: string;
  }> {
    const types = [...GENERATION_KINDS, 'adFilm', 'musicVideo'].map((t) => `'${t}'`).join(',');
    const query = opts.kind ? `WorkflowType = '${opts.kind}'` : `ViduKind IS NOT NULL OR WorkflowType IN (${types})`;
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
    // A deferred start answers `phase: deferred` (from describe) until its first workflow task.
    super(workflow, statusQuery, deferredGenerationStatus);
  }
}

function summarize(kind: string, request: Record<string, unknown>): string {
  const parts = [
    kind,
    request.model,
    request.duration ? `${request.duration}s` : undefined,
    request.resolution,
    request.off_peak === true ? 'off-peak' : undefined,
  ]
    .filter((p) => p !== undefined && p !== '')
    .map(String);
  const prompt = typeof request.prompt === 'string' && request.prompt ? ` · “${request.prompt.slice(0, 80)}”` : '';
  return parts.join(' · ') + prompt;
}
