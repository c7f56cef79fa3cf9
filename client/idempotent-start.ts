import { type Client, WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { taskQueuePriority } from '../core/fair-share';
import type { GenerationKind, Priority } from '../core/generation-types';
import { ownerOfStart } from './input-staging';
import { ViduKind } from '../core/search-attributes';
import { deferredStart } from './time-spec';
import { workflowIdFor, workflowIdIssues } from './workflow-ids';

// The one way the client starts a workflow (issue 17 §3): `start`, `startAdFilm` and `startBatch`
// had three copies of this, and `start` answered a duplicate with a handle bound to the run the
// server named while the other two answered with one that follows the id. A handle bound to a run
// is wrong for a batch that has continued-as-new (its cancel names a "first" run that is not the
// first), so every start now answers the same way: a handle that follows the workflow id.

/** How a caller starts any vidu-flow workflow (generation, AD film, batch). */
export interface StartOptions {
  /** Explicit workflow id; wins over `idempotencyKey`. */
  workflowId?: string;
  /** Same key ⇒ same workflow ⇒ at most one Vidu task (for a batch: each line runs at most once). */
  idempotencyKey?: string;
  /**
   * Deferred start: nothing runs (no staging, no Vidu submission) before this time. Becomes
   * Temporal's `startDelay`, computed when start() is called; a time already past starts at once.
   * The workflow exists (and is listed) meanwhile. Per Temporal's API a signal ends the delay
   * early; the only signal vidu-flow expects, a Vidu callback, cannot arrive before submission
   * (the callback URL is sent with it). Ignored when the workflow id already exists.
   */
  notBefore?: Date;
  /**
   * Extra search attributes set at the start, after vidu-flow's own (e.g. `ViduCaller`, which the
   * HTTP API sets to the API key's name). Ignored when the workflow id already exists.
   */
  searchAttributes?: SearchAttributePair[];
  /** Memo of the new workflow (e.g. the HTTP API's `viduNotify`); ignored when the id already exists. */
  memo?: Record<string, unknown>;
  /** Temporal fairness weight of the caller (the HTTP API: the key's `weight`); default 1. */
  fairnessWeight?: number;
}

export interface IdempotentStart {
  /** The workflow type (`img2video`, `adFilm`, `batch`…), also its ViduKind search attribute. */
  workflowType: string;
  workflowId: string;
  /** Whether the id came from an idempotency key: then even a closed workflow is never run again. */
  keyed: boolean;
  taskQueue: string;
  args: unknown[];
  /** The workflow's static summary; cut here to Temporal's 200 bytes. */
  summary: string;
  /** vidu-flow's own search attributes besides ViduKind; the caller's follow them. */
  searchAttributes?: SearchAttributePair[];
  /** The admission class of the work (core/fair-share.ts: Temporal's priorityKey); default interactive. */
  priorityClass?: Priority;
}

/**
 * The id a start uses, the explicit one, else the key's, else a fresh one, with its problems: the
 * id becomes an archive or results folder (and a batch child's prefix), so `x/../victim` and
 * friends are refused before anything runs.
 */
export function startWorkflowId(
  workflowType: GenerationKind | 'adFilm' | 'musicVideo' | 'batch',
  opts: Pick<StartOptions, 'workflowId'>,
  idempotencyKey: string | undefined,
): { workflowId: string; issues: string[] } {
  const workflowId = opts.workflowId ?? workflowIdFor(workflowType, idempotencyKey);
  return { workflowId, issues: workflowIdIssues(workflowId) };
}

/**
 * Starts the workflow, or finds the one that already holds its id, and returns a handle that
 * follows that id. On a duplicate:
 * - a running workflow with the id is the answer (conflict policy USE_EXISTING), whatever the key;
 * - a closed one is the answer when the id came from a key (reuse policy REJECT_DUPLICATE: a key's
 *   work never runs twice) or when it completed; an explicit id whose run failed, was cancelled,
 *   terminated or timed out starts a new run (ALLOW_DUPLICATE_FAILED_ONLY).
 * The duplicate's own notBefore, search attributes and memo are ignored: the first start's stand.
 */
export async function startIdempotently(
  temporal: Client,
  start: IdempotentStart,
  opts: StartOptions,
): Promise<WorkflowHandle> {
  try {
    await temporal.workflow.start(start.workflowType, {
      taskQueue: start.taskQueue,
      workflowId: start.workflowId,
      args: start.args,
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: start.keyed ? 'REJECT_DUPLICATE' : 'ALLOW_DUPLICATE_FAILED_ONLY',
      ...deferredStart(opts.notBefore),
      staticSummary: summaryBytes(start.summary),
      typedSearchAttributes: [
        { key: ViduKind, value: start.workflowType },
        ...(start.searchAttributes ?? []),
        ...(opts.searchAttributes ?? []),
      ],
      ...(opts.memo ? { memo: opts.memo } : {}),
      // Task-queue Priority and Fairness (issue 19 §4): the class orders the worker's backlog, the
      // caller (its owner: `key-<id>` or `operator`) shares it; children and activities inherit it.
      priority: taskQueuePriority(
        start.priorityClass ?? 'interactive',
        ownerOfStart(opts.searchAttributes),
        opts.fairnessWeight,
      ),
    });
  } catch (err) {
    // The id's workflow is closed and may not run again: that one is the answer.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return temporal.workflow.getHandle(start.workflowId);
}

/** staticSummary is limited to 200 bytes; cut on a character boundary. */
export function summaryBytes(text: string): string {
  return Buffer.from(text)
    .subarray(0, 200)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
}
