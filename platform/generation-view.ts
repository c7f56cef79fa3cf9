import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { describeFailure } from './temporal/failure-report';
import type { DownloadLink } from './downloads/links';
import { deferredGenerationStatus, deferredStartOf } from './temporal/deferred-start';
import { ViduCaller, ViduKind } from '../core/search-attributes';

// "The generation" as the HTTP API shows it: GET /v1/generations/{id}, the last SSE event, and
// the `data` of every webhook (the delivery activity reads it with this same function, so a
// webhook carries exactly what a GET would have answered).

export type Execution =
  'running' | 'succeeded' | 'failed' | 'cancelled' | 'terminated' | 'timed_out' | 'continued_as_new' | 'unknown';

export interface GenerationFailure {
  /** ApplicationFailure type (ViduTaskFailed, InvalidRequest…), or Cancelled, Terminated, TimedOut. */
  type: string;
  message: string;
  details: unknown[];
  errCode?: string;
}

export interface GenerationView {
  id: string;
  /** A generation kind of the endpoint registry (vidu/endpoints/), adFilm or batch. */
  kind: string;
  /** Id of the API key that started it (ViduCaller; absent for workflows started otherwise). */
  caller?: string;
  execution: Execution;
  createdAt: string;
  closedAt?: string;
  /** The workflow's `status` query (phase, Vidu state, progress, task id, credits…), when it answers. */
  status?: Record<string, unknown>;
  /** On success: the workflow result (task id, credits, creations, archive locations). */
  result?: unknown;
  /** On success with an S3 archive: a presigned GET link per archived file (and manifest), valid one hour. */
  downloads?: DownloadLink[];
  /** On failure, cancel, termination or timeout: the typed failure. */
  failure?: GenerationFailure;
}

const EXECUTION: Record<string, Execution> = {
  RUNNING: 'running',
  COMPLETED: 'succeeded',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
  CONTINUED_AS_NEW: 'continued_as_new',
};

/** The execution of a Temporal status name (RUNNING, COMPLETED, …). */
export function executionOf(statusName: string): Execution {
  return EXECUTION[statusName] ?? 'unknown';
}

export function isWorkflowNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (err as { name?: string })?.name === 'WorkflowNotFoundError';
}

/** Who started the workflow (ViduCaller), without reading anything else; throws when it does not exist. */
export async function ownerOf(
  client: Client,
  id: string,
): Promise<{ caller?: string; kind?: string; running: boolean }> {
  const desc = await client.workflow.getHandle(id).describe();
  const caller = desc.typedSearchAttributes.get(ViduCaller);
  const kind = desc.typedSearchAttributes.get(ViduKind) ?? desc.type;
  return { ...(caller ? { caller } : {}), kind, running: desc.status.name === 'RUNNING' };
}

/**
 * Reads the generation. `waitForClose` first waits for the workflow to close (the webhook
 * delivery of a terminal event starts just before its generation closes). Throws
 * WorkflowNotFoundError when there is no such workflow.
 */
export async function readGeneration(
  client: Client,
  id: string,
  opts: {
    waitForClose?: boolean;
    statusTimeoutMs?: number;
    presign?: (result: unknown) => Promise<DownloadLink[] | undefined>;
  } = {},
): Promise<GenerationView> {
  const handle = client.workflow.getHandle(id);
  if (opts.waitForClose) await handle.result().catch(() => undefined);
  const desc = await handle.describe();
  const execution = executionOf(desc.status.name);
  const caller = desc.typedSearchAttributes.get(ViduCaller);
  const view: GenerationView = {
    id,
    kind: desc.typedSearchAttributes.get(ViduKind) ?? desc.type,
    ...(caller ? { caller } : {}),
    execution,
    createdAt: desc.startTime.toISOString(),
    ...(desc.closeTime ? { closedAt: desc.closeTime.toISOString() } : {}),
  };
  // A deferred start cannot answer the query before its first task: its status comes from describe.
  const deferred = deferredStartOf(desc);
  const status = deferred
    ? (deferredGenerationStatus(deferred) as unknown as Record<string, unknown>)
    : await queryStatus(client, id, opts.statusTimeoutMs ?? 5000);
  if (status) view.status = status;
  if (execution === 'succeeded') {
    view.result = await handle.result();
    const downloads = await opts.presign?.(view.result);
    if (downloads) view.downloads = downloads;
  } else if (execution !== 'running' && execution !== 'continued_as_new') {
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    if (err !== undefined) {
      const f = describeFailure(err);
      view.failure = {
        type: f.type,
        message: f.message,
        details: f.details,
        ...(f.errCode ? { errCode: f.errCode } : {}),
      };
    }
  }
  return view;
}

/**
 * The `status` query, or undefined when no answer comes in time (a deferred start has not run
 * its first task yet, or no worker is polling).
 */
export async function queryStatus(
  client: Client,
  id: string,
  timeoutMs: number,
): Promise<Record<string, unknown> | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
  try {
    return await Promise.race([
      client.workflow
        .getHandle(id)
        .query<Record<string, unknown>>('status')
        .catch(() => undefined),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A workflow is terminal once it is not running (continue-as-new moves on to the next run). */
export function isClosed(view: Pick<GenerationView, 'execution'>): boolean {
  return view.execution !== 'running' && view.execution !== 'continued_as_new';
}
