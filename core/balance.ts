// The balance watch (issue 19 §3): the plain shapes and the pure rules shared by the check
// workflow (workflows/balance/), its activities (activities/balance.ts), the submit path's credits
// floor and the worker that schedules the watch. No secret enters any of them: the account is
// named by accountIdFor (a hash), a key by its id.

import type { Priority } from './generation-types';

/** The Standard Webhook event a key asks for with `events: ['account.low_balance']` in the keys file. */
export const LOW_BALANCE_EVENT = 'account.low_balance';
export type AccountEventType = typeof LOW_BALANCE_EVENT;
export const ACCOUNT_EVENT_TYPES = [LOW_BALANCE_EVENT] as const;

/** Which submissions a floor holds: `batch` (VIDU_MIN_REMAINING_CREDITS) or every one (…_INTERACTIVE). */
export type FloorName = 'batch' | 'interactive';

/** The worker's floors, in credits; an absent floor holds nothing. */
export interface CreditFloors {
  batch?: number;
  interactive?: number;
}

/** One credit package as GET /ent/v2/credits?show_detail=true lists it (docs/vidu-api.md §8). */
export interface BalancePackage {
  name: string;
  type?: string;
  creditRemain?: number;
  /** `valid_to`, ISO 8601, when Vidu gives one. */
  validTo?: string;
}

/** One read of GET /ent/v2/credits, with the floors the worker had when it read. */
export interface BalanceReading {
  /** The sum of `credit_remain` over the `remains` entries (docs/vidu-api.md §8). */
  remains: number;
  packages: BalancePackage[];
  readAt: string;
  floors: CreditFloors;
}

/**
 * What one check hands to the next (the Schedule's action argument, rewritten after each read):
 * the last reading and which floors it was under, so an event goes out once per crossing.
 */
export interface BalanceState {
  scheduleId: string;
  last?: { remains: number; readAt: string };
  below: { batch: boolean; interactive: boolean };
  /** low-balance events sent so far: numbers the next one's id. */
  events: number;
}

export interface LowBalanceEvent {
  /** `evt_low_balance_<schedule>_<n>`: the same for every attempt and every key. */
  eventId: string;
  seq: number;
  remains: number;
  floor: number;
  /** The floor crossed: `batch` holds batch submissions, `interactive` every submission. */
  holds: FloorName;
  packages: BalancePackage[];
  occurredAt: string;
}

export function initialBalanceState(scheduleId: string): BalanceState {
  return { scheduleId, below: { batch: false, interactive: false }, events: 0 };
}

/** The Schedule's id: one watch per Worker Deployment and Vidu account (a hash, never the key). */
export function balanceScheduleId(deploymentName: string, accountId: string): string {
  return `vidu-balance-${deploymentName}-${accountId}`;
}

/**
 * The next state after a reading and the low-balance events it causes: one per floor the balance
 * has just fallen under (it was at or above it, or there was no floor, at the previous read). A
 * balance that stays under sends nothing more; one that rises to the floor or above re-arms it.
 */
export function nextBalanceState(
  prev: BalanceState,
  reading: BalanceReading,
): { state: BalanceState; events: LowBalanceEvent[] } {
  const events: LowBalanceEvent[] = [];
  const below = { ...prev.below };
  let seq = prev.events;
  for (const holds of ['interactive', 'batch'] as const) {
    const floor = reading.floors[holds];
    const under = floor !== undefined && reading.remains < floor;
    if (under && !prev.below[holds]) {
      seq += 1;
      events.push({
        eventId: `evt_low_balance_${prev.scheduleId}_${seq}`,
        seq,
        remains: reading.remains,
        floor: floor,
        holds,
        packages: reading.packages,
        occurredAt: reading.readAt,
      });
    }
    below[holds] = under;
  }
  return {
    state: { ...prev, last: { remains: reading.remains, readAt: reading.readAt }, below, events: seq },
    events,
  };
}

/**
 * Whether a new submission of this priority is held: the last read `remains` is under the floor
 * that applies to it (batch: either floor; interactive: the interactive one only). No reading
 * yet, or no floor, holds nothing.
 */
export function creditsHoldFloor(
  remains: number | undefined,
  floors: CreditFloors,
  priority: Priority,
): { floor: number; holds: FloorName } | undefined {
  if (remains === undefined) return undefined;
  const candidates: Array<[FloorName, number | undefined]> =
    priority === 'interactive'
      ? [['interactive', floors.interactive]]
      : [
          ['interactive', floors.interactive],
          ['batch', floors.batch],
        ];
  for (const [holds, floor] of candidates) if (floor !== undefined && remains < floor) return { floor, holds };
  return undefined;
}

/** The submit path's answer when a floor holds a submission: nothing was sent, look again later. */
export interface CreditsHeld {
  held: 'credits';
  remains: number;
  floor: number;
  holds: FloorName;
  /** When to ask again: new readings come no faster than the watch's interval. */
  recheckSeconds: number;
}
