import { CancellationScope, isCancellation, log, TemporalFailure, workflowInfo } from '@temporalio/workflow';
import { delivering, webhookStartLocal } from '../common/activity-proxies';
import { ViduCaller } from '../../core/search-attributes';
import { startUpdateFeed } from './webhook-updates';
import {
  DEFAULT_WEBHOOK_EVENTS,
  notifyTargetOf,
  type WebhookDeliveryInput,
  type WebhookDeliveryResult,
  type WebhookEventType,
  webhookEventId,
  webhookWorkflowId,
} from '../../core/webhook-types';

// Completion webhooks. A generation started with a notify target (memo `viduNotify`, set by the
// HTTP API) starts, as its very last step, a workflow `webhookDelivery` (by a local activity): the
// generation closes with its result at once, while the delivery keeps retrying for up to 24 h. Its
// id is derived from the generation and the event type (`<generation>~webhook-<type>`), so an
// event is never started twice, and never sent under a new webhook-id (the webhook-id is the
// event id, whatever workflow id the delivery ended up with). generation.updated
// events (when asked for) go out while it runs: see webhook-updates.ts.

/** Delivers one event (the delivery workflow; its retries are the activity's). */
export async function webhookDelivery(input: WebhookDeliveryInput): Promise<WebhookDeliveryResult> {
  return delivering.deliverWebhook.executeWithOptions({ summary: `${input.type} → ${hostOf(input.url)}` }, [input]);
}

/**
 * Runs a generation (or an AD film) and announces how it ended. Without a notify target it is
 * `run()` itself and adds nothing to history. A failure to start the delivery never changes the
 * generation's own outcome.
 */
export async function withCompletionWebhook<T>(run: () => Promise<T>): Promise<T> {
  const notify = notifyTargetOf(workflowInfo().memo);
  if (!notify) return run();
  const wanted = (type: WebhookEventType): boolean => (notify.events ?? DEFAULT_WEBHOOK_EVENTS).includes(type);
  const caller = workflowInfo().typedSearchAttributes.get(ViduCaller);
  if (!caller) {
    log.warn('notify target without a ViduCaller: no key to sign with, no webhook sent', { url: hostOf(notify.url) });
    return run();
  }
  const updates = wanted('generation.updated') ? startUpdateFeed({ url: notify.url, caller }) : undefined;
  const announce = async (type: WebhookEventType): Promise<void> => {
    // Every update already announced is started before the generation closes (the server would
    // not start it afterwards); the terminal delivery lets the last one finish first.
    const after = await updates?.close();
    if (!wanted(type)) return;
    const { workflowId } = workflowInfo();
    const input: WebhookDeliveryInput = {
      generationId: workflowId,
      type,
      caller,
      url: notify.url,
      eventId: webhookEventId(workflowId, type),
      occurredAt: new Date().toISOString(),
      ...(after ? { after } : {}),
    };
    // Started by a local activity, not as a child: a child whose id is taken (a raw Temporal SDK
    // start under `<id>~webhook-succeeded`) could only be refused here, while the activity tells
    // "this event's delivery, started earlier" from "someone else's" and then starts the delivery
    // under a fresh id (activities/webhook.ts). The delivery outlives the generation either way
    // (it was a child with parent-close policy ABANDON).
    try {
      await webhookStartLocal.startWebhookDelivery.executeWithOptions({ summary: `${type} webhook` }, [
        { workflowId: webhookWorkflowId(workflowId, type), input },
      ]);
    } catch (err) {
      // Every id taken, or Temporal unreachable for a minute: the generation's result stands regardless.
      log.error('webhook delivery not started', { type, error: err instanceof Error ? err.message : String(err) });
    }
  };
  try {
    const result = await run();
    await announce('generation.succeeded');
    return result;
  } catch (err) {
    if (isCancellation(err)) await CancellationScope.nonCancellable(() => announce('generation.cancelled'));
    // Only a TemporalFailure fails the workflow; anything else fails the workflow task, which is retried.
    else if (err instanceof TemporalFailure) await announce('generation.failed');
    throw err;
  }
}

/** The host of a URL, for the summary only (no URL class in every workflow sandbox; no query strings in the UI). */
function hostOf(url: string): string {
  return /^[a-z]+:\/\/([^/?#]+)/i.exec(url)?.[1]?.replace(/^.*@/, '') ?? '?';
}
