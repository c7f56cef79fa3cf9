import { activityInfo, ApplicationFailure, heartbeat, sleep } from '@temporalio/activity';
import type { ViduClient } from '../vidu/client';
import { ViduTransportError } from '../vidu/errors';
import { FailureType } from '../workflows/failures';
import type { GenerationKind, SubmitResult, TaskStateName, WaitMode } from '../workflows/types';
import { toApplicationFailure } from './failures';
import { callbackUrlFor, clientRequestIdFor } from './idempotency';
import { resolveStagedRefs } from './staged-refs';
import type { StagingStore } from './stores/staging-store';
import { findSubmittedTask } from './task-lookup';

export interface SubmitInput {
  kind: GenerationKind | 'ad-one-click';
  workflowId: string;
  request: Record<string, unknown>;
  waitMode: WaitMode;
}

/** What an attempt leaves behind in its heartbeat, read by the next attempt after a crash. */
interface SubmitHeartbeat {
  phase: 'sending' | 'submitted';
  sentAtMs: number;
  result?: SubmitResult;
}

export interface SubmitDeps {
  vidu: ViduClient;
  staging: StagingStore;
  callbackUrl: string | undefined;
}

export function makeSubmitTask(deps: SubmitDeps) {
  return async function submitTask(input: SubmitInput): Promise<SubmitResult> {
    const info = activityInfo();
    const previous = lastHeartbeat(info.heartbeatDetails);
    // The task id is recorded in a heartbeat the moment it is known; a retry after a crash uses it.
    if (previous?.result) return { ...previous.result, via: 'recovered-from-heartbeat' };

    const callbackRegistered = wantsCallback(input.waitMode, deps.callbackUrl);
    const clientRequestId = clientRequestIdFor(input.workflowId);
    const lookup = { clientRequestId, request: input.request, sinceMs: info.scheduledTimestampMs };

    // Any earlier attempt may have sent the request and died before hearing back.
    if (info.attempt > 1) {
      const recovered = await recover(deps.vidu, lookup, callbackRegistered);
      if (recovered) return recovered;
    }

    const body: Record<string, unknown> = {
      ...((await resolveStagedRefs(input.request, deps.staging)) as Record<string, unknown>),
      client_request_id: clientRequestId,
      ...(callbackRegistered && deps.callbackUrl ? { callback_url: callbackUrlFor(deps.callbackUrl, input.workflowId) } : {}),
    };
    heartbeat({ phase: 'sending', sentAtMs: Date.now() } satisfies SubmitHeartbeat);
    let created;
    try {
      created = input.kind === 'ad-one-click' ? await deps.vidu.createAdOneClick(body as never) : await deps.vidu.create(input.kind, body as never);
    } catch (err) {
      if (err instanceof ViduTransportError && err.ambiguous) {
        // The request may have created a task: look before anyone sends it again.
        await sleep(1000);
        const recovered = await recover(deps.vidu, lookup, callbackRegistered);
        if (recovered) return recovered;
        throw ApplicationFailure.create({
          type: 'SubmissionUnconfirmed',
          message: `submit ${input.kind}: no answer from Vidu and no matching task in its list yet (will look again before resending)`,
        });
      }
      throw toApplicationFailure(err, `submit ${input.kind}`);
    }
    const result: SubmitResult = {
      taskId: created.task_id,
      state: created.state as TaskStateName,
      credits: created.credits ?? 0,
      callbackRegistered,
      via: 'created',
    };
    heartbeat({ phase: 'submitted', sentAtMs: Date.now(), result } satisfies SubmitHeartbeat);
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
