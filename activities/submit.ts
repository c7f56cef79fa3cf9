import { activityInfo, ApplicationFailure, log } from '@temporalio/activity';
import { setTimeout as delay } from 'node:timers/promises';
import { heartbeat } from './heartbeats';
import type { ViduClient } from '../vidu/client';
import { ENDPOINTS, isFilmEndpoint, type EndpointSpec, type FilmEndpoint } from '../vidu/endpoints';
import { ViduTransportError } from '../vidu/errors';
import { FailureType, RetryableFailureType } from '../core/failure-types';
import type { GenerationKind, SubmitResult, TaskStateName, WaitMode } from '../core/generation-types';
import { toApplicationFailure } from './failures';
import { callbackUrlFor, ClientRequestIdPolicy, clientRequestIdFor, refusesClientRequestId } from './idempotency';
import { resolveStagedRefs } from './staged-refs';
import type { StagingStore } from '../platform/stores/staging-store';
import { findSubmittedTask } from './task-lookup';

export interface SubmitInput {
  kind: GenerationKind | FilmEndpoint;
  workflowId: string;
  request: Record<string, unknown>;
  waitMode: WaitMode;
  /**
   * Which paid call of the workflow this is (clientRequestIdFor's step): absent for the first
   * task, `submit-attempt-<n>` for a retry of options.onTaskFailure. Added for that (an older
   * version's input has none, and means the first task).
   */
  step?: string;
}

/** What an attempt leaves behind in its heartbeat, read by the next attempt after a crash. */
interface SubmitHeartbeat {
  phase: 'sending' | 'submitted';
  sentAtMs: number;
  /**
   * True only when every request this attempt sends carries client_request_id. A trial (see
   * ClientRequestIdPolicy) may fall back to a send without it, and a heartbeat written after the
   * first one may not reach the server before a crash (they are throttled), so a trial says false
   * from the start.
   */
  withId?: boolean;
  result?: SubmitResult;
}

export interface SubmitDeps {
  vidu: ViduClient;
  staging: StagingStore;
  callbackUrl: string | undefined;
  /** Which endpoints take client_request_id, as this worker has learned; one per worker process. */
  clientRequestIds?: ClientRequestIdPolicy;
}

export function makeSubmitTask(deps: SubmitDeps) {
  const ids = deps.clientRequestIds ?? new ClientRequestIdPolicy();
  return async function submitTask(input: SubmitInput): Promise<SubmitResult> {
    const info = activityInfo();
    const previous = lastHeartbeat(info.heartbeatDetails);
    // The task id is recorded in a heartbeat the moment it is known; a retry after a crash uses it.
    if (previous?.result) return { ...previous.result, via: 'recovered-from-heartbeat' };

    // An endpoint without a documented callback_url (audio-tts) is polled, whatever the wait mode.
    const noCallbacks = !isFilmEndpoint(input.kind) && (ENDPOINTS[input.kind] as EndpointSpec).noCallbacks === true;
    const callbackRegistered = noCallbacks ? false : wantsCallback(input.waitMode, deps.callbackUrl);
    const clientRequestId = clientRequestIdFor(input.workflowId, input.step);
    const endpoint = input.kind;
    const lookup = (idMayBeMissing: boolean) => ({
      clientRequestId,
      idMayBeMissing,
      request: input.request,
      sinceMs: info.scheduledTimestampMs,
    });

    // Any earlier attempt may have sent the request and died before hearing back. If its heartbeat
    // says the id may not have gone with it, the task it created may carry none. (No word in the
    // heartbeat: a worker from before this rule, which always sent it, or an attempt that died
    // before its first heartbeat; this worker's own record for the endpoint decides.)
    if (info.attempt > 1) {
      const idMayBeMissing =
        previous?.withId === false || (previous?.withId === undefined && ids.modeFor(endpoint) !== 'with');
      const recovered = await recover(deps.vidu, lookup(idMayBeMissing), callbackRegistered);
      if (recovered) return recovered;
    }

    const mode = ids.modeFor(endpoint);
    const common: Record<string, unknown> = {
      ...((await resolveStagedRefs(input.request, deps.staging)) as Record<string, unknown>),
      ...(callbackRegistered && deps.callbackUrl
        ? { callback_url: callbackUrlFor(deps.callbackUrl, input.workflowId) }
        : {}),
    };
    const send = (withId: boolean) => {
      const body = withId ? { ...common, client_request_id: clientRequestId } : common;
      if (input.kind === 'ad-one-click') return deps.vidu.createAdOneClick(body as never);
      if (input.kind === 'one-click-mv') return deps.vidu.createMusicVideo(body as never);
      return deps.vidu.create(input.kind, body as never);
    };
    heartbeat({ phase: 'sending', sentAtMs: Date.now(), withId: mode === 'with' } satisfies SubmitHeartbeat);
    let withId = mode !== 'without';
    let created;
    try {
      try {
        created = await send(withId);
        if (withId) ids.accepted(endpoint);
      } catch (err) {
        if (!withId || !refusesClientRequestId(err)) throw err;
        // 400 FieldUnwanted naming client_request_id: no task was created (docs/vidu-api.md §9).
        ids.refused(endpoint);
        log.warn(
          `Vidu refused client_request_id on ${endpoint} (FieldUnwanted); later submissions there go without it`,
          { endpoint },
        );
        if (mode === 'with') {
          // Documented (or accepted before) and now refused. This attempt's heartbeat already
          // says the id was sent; a resend here could create a task the next attempt would not
          // look for properly. The retry sends without it and says so in its first heartbeat.
          throw ApplicationFailure.create({
            type: RetryableFailureType.ClientRequestIdRefused,
            message: `submit ${endpoint}: Vidu refused client_request_id (FieldUnwanted); nothing was created, resending without it`,
            nextRetryDelay: 1000,
          });
        }
        // A trial: this attempt's heartbeat already allows a task without the id.
        withId = false;
        created = await send(false);
      }
    } catch (err) {
      if (err instanceof ViduTransportError && err.ambiguous) {
        // The request may have created a task: look before anyone sends it again.
        // A plain timer, not the activity's sleep: a cancellation (delivered by any heartbeat,
        // activities/heartbeats.ts) must not end the attempt before it has looked.
        await delay(1000);
        const recovered = await recover(deps.vidu, lookup(!withId), callbackRegistered);
        if (recovered) return recovered;
        throw ApplicationFailure.create({
          type: RetryableFailureType.SubmissionUnconfirmed,
          message: `submit ${input.kind}: no answer from Vidu and no matching task in its list yet (will look again before resending)`,
        });
      }
      if (err instanceof ApplicationFailure) throw err;
      throw toApplicationFailure(err, `submit ${input.kind}`);
    }
    const result: SubmitResult = {
      taskId: created.task_id,
      state: created.state as TaskStateName,
      credits: created.credits ?? 0,
      callbackRegistered,
      via: 'created',
    };
    heartbeat({ phase: 'submitted', sentAtMs: Date.now(), withId, result } satisfies SubmitHeartbeat);
    return result;
  };
}

async function recover(
  vidu: ViduClient,
  lookup: Parameters<typeof findSubmittedTask>[1],
  callbackRegistered: boolean,
): Promise<SubmitResult | undefined> {
  let found;
  try {
    found = await findSubmittedTask(vidu, lookup);
  } catch (err) {
    throw toApplicationFailure(err, 'look up an interrupted submission');
  }
  if (found.found) {
    const result: SubmitResult = {
      taskId: found.taskId,
      state: found.state as TaskStateName,
      credits: found.credits,
      callbackRegistered,
      via: 'recovered-from-task-list',
    };
    heartbeat({ phase: 'submitted', sentAtMs: Date.now(), result } satisfies SubmitHeartbeat);
    return result;
  }
  if ('incomplete' in found) {
    throw ApplicationFailure.create({
      type: FailureType.SubmissionAmbiguous,
      message: `an interrupted submission was not among the ${found.scanned} newest Vidu tasks, and more exist; not resubmitting to avoid paying twice`,
      nonRetryable: true,
      details: [{ scanned: found.scanned }],
    });
  }
  if ('ambiguous' in found) {
    throw ApplicationFailure.create({
      type: FailureType.SubmissionAmbiguous,
      message: `an interrupted submission matches several Vidu tasks (${found.ambiguous.join(', ')}); not resubmitting to avoid paying twice`,
      nonRetryable: true,
      details: [{ candidates: found.ambiguous }],
    });
  }
  return undefined;
}

export function wantsCallback(mode: WaitMode, callbackUrl: string | undefined): boolean {
  if (mode === 'poll') return false;
  if (mode === 'callback' && !callbackUrl) {
    throw ApplicationFailure.create({
      type: FailureType.WorkerMisconfigured,
      message: 'waitMode "callback" needs VIDU_CALLBACK_URL on the worker; set it, or use waitMode "auto" or "poll"',
      nonRetryable: true,
    });
  }
  return callbackUrl !== undefined;
}

function lastHeartbeat(details: unknown): SubmitHeartbeat | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  return details as SubmitHeartbeat;
}
