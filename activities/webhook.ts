import { ApplicationFailure, Context, log } from '@temporalio/activity';
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { downloadPresigner, type Presigner } from '../platform/downloads/presigner';
import { readGeneration } from '../platform/generation-view';
import { loadKeysFile } from '../platform/keys/api-keys';
import { webhookHeaders } from '../platform/webhooks/signature';
import {
  WEBHOOK_EVENT_MEMO,
  WEBHOOK_ID_ATTEMPTS,
  WEBHOOK_REFUSED,
  type WebhookDeliveryInput,
  type WebhookDeliveryResult,
  type WebhookEventMemo,
} from '../core/webhook-types';
import { withAttempt } from '../contract/workflow-id';
import { InternalFailureType } from '../core/failure-types';
import { PrivateAddressRefused } from '../platform/net/address-policy';
import { createWebhookFetch, STRICT_WEBHOOK_POLICY } from '../platform/net/webhook-policy';

// Delivers one completion webhook (Standard Webhooks). The secret is read here, on the worker,
// from VIDU_FLOW_API_KEYS_FILE at each attempt (so a rotated secret applies to the next retry),
// and never leaves this function: not in the input, the result, the history or a log line.

export interface WebhookDeps {
  /** VIDU_FLOW_API_KEYS_FILE as the worker sees it; without it no webhook can be signed. */
  apiKeysFile?: string;
  /**
   * The fetch webhooks are POSTed with: the worker passes createWebhookFetch(VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS),
   * which judges the address actually connected to, per port. Default: the strict one (public
   * addresses only) — never the download list.
   */
  webhookFetch?: typeof fetch;
  /** Download links in `data` as GET shows them (default: signed with this process's AWS env). */
  presign?: Presigner;
}

const ATTEMPT_TIMEOUT_MS = 15_000;
/** How long one attempt waits for the previous event's delivery before sending anyway (order is best-effort). */
const ORDER_WAIT_MS = 10_000;

function refused(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: WEBHOOK_REFUSED, message, nonRetryable: true });
}

export function makeWebhookActivities(deps: WebhookDeps) {
  const webhookFetch = deps.webhookFetch ?? createWebhookFetch(STRICT_WEBHOOK_POLICY);
  const presign = deps.presign ?? downloadPresigner({ log: (line) => log.warn(line) });
  async function deliverWebhook(input: WebhookDeliveryInput): Promise<WebhookDeliveryResult> {
    let secret: string | undefined;
    try {
      secret = loadKeysFile(deps.apiKeysFile).find((k) => k.id === input.caller)?.webhookSecret;
    } catch (err) {
      throw refused(`webhook not signed: ${(err as Error).message.split('\n')[0]}`);
    }
    if (!secret)
      throw refused(
        `webhook not signed: API key ${JSON.stringify(input.caller)} has no webhookSecret in the keys file`,
      );

    const client = Context.current().client;
    if (input.after) await settled(client.workflow.getHandle(input.after).result(), ORDER_WAIT_MS);
    // An update carries the generation as it was at the change; a terminal event reads it now,
    // exactly as GET /v1/generations/{id} shows it (after waiting for it to close).
    const data = input.data ?? (await readGeneration(client, input.generationId, { waitForClose: true, presign }));
    const body = JSON.stringify({ type: input.type, timestamp: input.occurredAt, data });
    const headers = {
      ...webhookHeaders(input.eventId, body, secret),
      'content-type': 'application/json',
      'user-agent': 'vidu-flow-webhooks',
    };
    const host = safeHost(input.url);
    let res: Response;
    try {
      // POSTs are not redirected (the guarded fetch follows redirects only for GET/HEAD).
      res = await webhookFetch(input.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      });
    } catch (err) {
      if (err instanceof PrivateAddressRefused) throw refused(`notify.url: ${err.message}`);
      throw new Error(`webhook ${input.eventId} to ${host}: ${(err as Error).message} (will retry)`);
    }
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) {
      log.info('webhook delivered', {
        eventId: input.eventId,
        host,
        status: res.status,
        attempt: Context.current().info.attempt,
      });
      return { eventId: input.eventId, status: res.status };
    }
    // 410 Gone: the receiver asks us to stop (Standard Webhooks); anything else is retried with backoff.
    if (res.status === 410) throw refused(`webhook ${input.eventId} to ${host}: 410 Gone, not retried`);
    throw new Error(`webhook ${input.eventId} to ${host}: HTTP ${res.status} (will retry)`);
  }
  /**
   * Local activity of a running generation: starts the delivery workflow of one event (a
   * generation.updated one while it runs, the terminal one as its last step; same task queue).
   * Its id is derived from the event, so a retry of this start, or a replay, finds it started
   * and sends nothing twice. An id found taken is told apart: a webhookDelivery started for this
   * very event (memo WEBHOOK_EVENT_MEMO) is ours from an earlier start; anything else is someone
   * else's (a raw Temporal SDK start), and the delivery is started under `<id>-2`, `-3`…
   * (deterministic, with a warning naming the id), never dropped (issue 16 item 2).
   */
  async function startWebhookDelivery({
    workflowId,
    input,
  }: {
    workflowId: string;
    input: WebhookDeliveryInput;
  }): Promise<{ started: boolean; workflowId: string }> {
    const { client, info } = Context.current();
    const memo: WebhookEventMemo = { eventId: input.eventId, generationId: input.generationId };
    for (let attempt = 1; attempt <= WEBHOOK_ID_ATTEMPTS; attempt += 1) {
      const id = withAttempt(workflowId, attempt);
      try {
        await client.workflow.start('webhookDelivery', {
          taskQueue: info.taskQueue,
          workflowId: id,
          args: [input],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          memo: { [WEBHOOK_EVENT_MEMO]: memo },
          staticSummary: `${input.type} webhook for ${input.generationId}`,
        });
        return { started: true, workflowId: id };
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      if (await isDeliveryOf(client, id, memo)) return { started: false, workflowId: id };
      log.warn(
        "webhook delivery id taken by a workflow that is not this event's delivery; starting it under a fresh id",
        {
          workflowId: id,
          next: withAttempt(workflowId, attempt + 1),
          eventId: input.eventId,
        },
      );
    }
    throw ApplicationFailure.create({
      type: WEBHOOK_ID_TAKEN,
      message: `webhook ${input.eventId}: the ids ${workflowId} to ${withAttempt(workflowId, WEBHOOK_ID_ATTEMPTS)} are all taken by workflows vidu-flow did not start for this event`,
      nonRetryable: true,
    });
  }
  return { deliverWebhook, startWebhookDelivery };
}

/** Failure type when every id a delivery may use is taken by someone else's workflow. */
export const WEBHOOK_ID_TAKEN = InternalFailureType.WebhookIdTaken;

/** Whether the workflow under `workflowId` is the delivery of this very event (started by us earlier). */
async function isDeliveryOf(client: Client, workflowId: string, memo: WebhookEventMemo): Promise<boolean> {
  const d = await client.workflow.getHandle(workflowId).describe();
  if (d.type !== 'webhookDelivery') return false;
  const found = d.memo?.[WEBHOOK_EVENT_MEMO] as Partial<WebhookEventMemo> | undefined;
  return found?.eventId === memo.eventId && found?.generationId === memo.generationId;
}

/** Waits for `promise` to settle, at most `ms` (whatever it resolves or rejects with). */
async function settled(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
}
