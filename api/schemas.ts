import { z } from 'zod';
import { AdFilmEdit } from '../contract/ad-film-input';
import { GENERATION_KINDS } from '../contract/generation-input';
import { DEFAULT_WEBHOOK_EVENTS, WEBHOOK_EVENT_TYPES } from '../core/webhook-types';

// The HTTP API's own wire shapes, beside the workflow contract (contract/*) it passes through.
// The OpenAPI document (api/openapi.ts) is generated from these and from contract/json-schemas.ts.

export const Notify = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .max(2000)
      .describe('Where the signed events are POSTed'),
    events: z
      .array(z.enum(WEBHOOK_EVENT_TYPES))
      .min(1)
      .optional()
      .describe(
        `Which events to send (default: ${DEFAULT_WEBHOOK_EVENTS.join(', ')}); generation.updated: one event per change of phase or Vidu state`,
      ),
  })
  .describe(
    "Completion webhook, signed per Standard Webhooks with the API key's webhookSecret; default: the key's notifyUrl",
  );

export const EditsBody = z.strictObject({ edits: z.array(AdFilmEdit).min(1, 'must list at least one edit') });

export const ALL_KINDS = [...GENERATION_KINDS, 'adFilm', 'batch', 'musicVideo'] as const;

/** ViduState values a list can filter on (Vidu's task states and vidu-flow's own). */
export const LIST_STATES = [
  'waiting_for_slot',
  'waiting_for_credits',
  'created',
  'queueing',
  'scheduled',
  'processing',
  'success',
  'failed',
  'cancelled',
] as const;

/** `execution` values and the Temporal ExecutionStatus each one is. */
export const LIST_EXECUTIONS = {
  running: 'Running',
  succeeded: 'Completed',
  failed: 'Failed',
  cancelled: 'Canceled',
  terminated: 'Terminated',
  timed_out: 'TimedOut',
} as const;

export const ListQuery = z.strictObject({
  kind: z.enum(ALL_KINDS).optional(),
  state: z.enum(LIST_STATES).optional().describe('The Vidu state (search attribute ViduState)'),
  execution: z.enum(Object.keys(LIST_EXECUTIONS) as [keyof typeof LIST_EXECUTIONS]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const StartResponse = z.object({
  id: z.string().describe('The workflow id'),
  kind: z.string(),
  links: z.object({ self: z.string(), events: z.string(), cancel: z.string() }),
});
