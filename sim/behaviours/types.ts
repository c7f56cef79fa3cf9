import type { MediaProbe } from '../../vidu/media';
import type { PriceFacts, PricedKind } from '../../vidu/prices';
import type { Prepared } from '../submit';
import type { SimCreation } from '../task';
import type { TaskInit } from '../task-factory';

/** What every behaviour gets from the route: the request's common task fields, the seed rule, the sim's pace. */
export interface BehaviourContext {
  /** "omitted or 0 ⇒ random; the response returns the actual seed" (docs/vidu-api.md §1). */
  seedOf(seed: number | undefined): number;
  common(r: {
    payload?: string | undefined;
    callback_url?: string | undefined;
    client_request_id?: string | undefined;
  }): Pick<TaskInit, 'request' | 'clientRequestId' | 'callbackUrl' | 'payload'>;
  processingSeconds: number;
  /** A creation of an earlier task (extend and upscale take one by video_creation_id). */
  creation(id: string): SimCreation | undefined;
  /** The account's cloned voice ids (audio-clone). */
  voices: Set<string>;
  /** Whether the account's subject library holds this id (reference2video's subjects[].server_id). */
  subjectExists?(id: string): boolean;
  /** The task's price from the sim's table (sim/pricing.ts): the registry's estimate, the same function. */
  price(kind: PricedKind, request: Record<string, unknown>, facts?: PriceFacts): number;
}

/**
 * How the simulator answers one endpoint once its request passed the registry's schema (with the
 * model defaults applied) and its media passed their limits: the price, the task, the response.
 */
export type Behaviour = (
  b: BehaviourContext,
  request: Record<string, unknown>,
  probes: Map<string, MediaProbe>,
) => Prepared;
