// Completion webhooks: the plain shapes shared by the workflows (which import nothing else from
// here), the delivery activity and the HTTP API. No secret ever appears in them: the workflow
// carries the API key's id (search attribute ViduCaller; api/caller-id.ts) and the URL; the worker looks the
// secret up in VIDU_FLOW_API_KEYS_FILE when it signs.

import type { AccountEventType } from './balance';
import { InternalFailureType } from './failure-types';

/** Memo key under which a start carries its notify target (set by the HTTP API). */
export const NOTIFY_MEMO = 'viduNotify';

export const WEBHOOK_EVENT_TYPES = [
  'generation.succeeded',
  'generation.failed',
  'generation.cancelled',
  'generation.updated',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** What a notify target without `events` gets: how the generation ended (updates only when asked). */
export const DEFAULT_WEBHOOK_EVENTS: readonly WebhookEventType[] = [
  'generation.succeeded',
  'generation.failed',
  'generation.cancelled',
];

export interface NotifyTarget {
  url: string;
  /** Default: DEFAULT_WEBHOOK_EVENTS. */
  events?: WebhookEventType[];
}

/** ApplicationFailure type of a delivery no retry can fix (no secret for the key, a refused URL, 410 Gone). */
export const WEBHOOK_REFUSED = InternalFailureType.WebhookRefused;

/** What the delivery child workflow and its activity receive. */
export interface WebhookDeliveryInput {
  /** The generation, or for an account event (core/balance.ts) the balance watch's schedule id. */
  generationId: string;
  type: WebhookEventType | AccountEventType;
  /** The API key's id (ViduCaller); its webhookSecret is read from the keys file on the worker. */
  caller: string;
  url: string;
  /** webhook-id: the same for every attempt of this event, derived from the generation and the type. */
  eventId: string;
  /** The event's time (body `timestamp`), fixed when the generation ended or its state changed. */
  occurredAt: string;
  /**
   * generation.updated: the generation as it was at the change (GET's shape while running), so a
   * late delivery never shows a later state. Absent for the terminal events, whose `data` is read
   * when they are delivered (the closed generation, as GET returns it).
   */
  data?: unknown;
  /** The delivery workflow of the previous event: waited for (briefly) first, so events usually arrive in order. */
  after?: string;
}

export interface WebhookDeliveryResult {
  eventId: string;
  status: number;
}

/**
 * One event per generation and type (and, for generation.updated, per state change, numbered from
 * 1 by the workflow itself), so a retry or a replay can never send it under a new id.
 */
export function webhookEventId(generationId: string, type: WebhookEventType, seq?: number): string {
  return `evt_${generationId}_${type.slice('generation.'.length)}${seq === undefined ? '' : `_${seq}`}`;
}

/**
 * The delivery workflow's id, `<generation>~webhook-<type>[-<seq>]`: starting it twice for one
 * event is refused by Temporal. `~` is the separator of derived ids, which no caller-chosen id
 * contains (contract/workflow-id.ts), so no caller can start a workflow under this id through
 * vidu-flow. Should one be found taken anyway (a raw Temporal SDK start), the delivery is started
 * under `<id>-2`, `-3`… (activities/webhook.ts startWebhookDelivery), never dropped.
 */
export function webhookWorkflowId(generationId: string, type: WebhookEventType, seq?: number): string {
  return `${generationId}~webhook-${type.slice('generation.'.length)}${seq === undefined ? '' : `-${seq}`}`;
}

/**
 * Memo key a delivery workflow is started with: the event it delivers. A delivery id found taken is
 * "ours from an earlier start" only when the workflow there is a webhookDelivery carrying this
 * memo for the same event and generation; anything else is someone else's.
 */
export const WEBHOOK_EVENT_MEMO = 'viduWebhookEvent';

export interface WebhookEventMemo {
  eventId: string;
  generationId: string;
}

/** How many ids (`<id>`, `<id>-2`, … `<id>-10`) a delivery tries before it gives up loudly. */
export const WEBHOOK_ID_ATTEMPTS = 10;

/** The memo's notify target, if it is one (a start by another SDK may carry anything). */
export function notifyTargetOf(memo: Record<string, unknown> | undefined): NotifyTarget | undefined {
  const n = memo?.[NOTIFY_MEMO] as { url?: unknown; events?: unknown } | undefined;
  if (typeof n !== 'object' || n === null || typeof n.url !== 'string') return undefined;
  const events = Array.isArray(n.events)
    ? n.events.filter((e): e is WebhookEventType => (WEBHOOK_EVENT_TYPES as readonly unknown[]).includes(e))
    : undefined;
  return { url: n.url, ...(events ? { events } : {}) };
}
